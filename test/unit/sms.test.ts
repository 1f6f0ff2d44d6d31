import { describe, expect, it } from 'vitest';
import { isSingleGsm7Fragment, renderSms, smsTemplates } from '../../shared/domain/sms.js';

const LONGEST_SERVICE_NAME = 'Central and South Lancashire MSK Service'.padEnd(40, 'x');

describe('patient SMS', () => {
  it('uses the first name when it fits', () => {
    const text = renderSms(smsTemplates.acknowledgement('MSK Service'), 'Sam');
    expect(text.startsWith('Hi Sam, MSK Service has your referral.')).toBe(true);
    expect(isSingleGsm7Fragment(text)).toBe(true);
  });

  it.each(Object.entries(smsTemplates))('%s fits one GSM-7 fragment with the longest service name and a long first name', (_, template) => {
    const text = renderSms(template(LONGEST_SERVICE_NAME), 'Bartholomew-Alexander Maximilian');
    expect(text.length).toBeLessThanOrEqual(160);
    expect(isSingleGsm7Fragment(text)).toBe(true);
  });

  it('drops a name that would force UCS-2 (more expensive, 70 characters a fragment)', () => {
    const text = renderSms(smsTemplates.acknowledgement('MSK Service'), 'Zoë');
    expect(text.startsWith('Hello, ')).toBe(true);
    expect(isSingleGsm7Fragment(text)).toBe(true);
  });

  it('uses only the first word of a given name', () => {
    expect(renderSms(smsTemplates.acknowledgement('MSK Service'), 'Mary Anne')).toMatch(/^Hi Mary, /);
  });

  it('counts GSM-7 extension characters as two', () => {
    expect(isSingleGsm7Fragment('€'.repeat(80))).toBe(true);
    expect(isSingleGsm7Fragment('€'.repeat(81))).toBe(false);
  });

  it('refuses to send a template that cannot fit', () => {
    expect(() => renderSms(() => 'x'.repeat(161), 'Sam')).toThrow(RangeError);
  });
});
