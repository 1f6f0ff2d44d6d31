import { describe, expect, it } from 'vitest';

import {
  isSingleGsm7Fragment,
  renderSms,
  RIDES_IF_IT_FITS,
  smsFragments,
  type SmsTemplateName,
  smsTemplates,
} from '../../shared/domain/sms.js';

// The longest realistic values: a 40-character service name (the most CDK allows), a service's
// own domain of 36 characters (the README asks for one; an execute-api URL makes booking texts
// two fragments), a patient link, the longest slot time and a 30-character clinic name.
const LONGEST_BASE = 'https://msk-referrals.example.nhs.uk';
const LONGEST = {
  serviceName: 'Central and South Lancashire MSK Service'.padEnd(40, 'x'),
  baseUrl: LONGEST_BASE,
  link: `${LONGEST_BASE}/a/${'A'.repeat(16)}.${'B'.repeat(16)}`,
  time: 'Wed 30 Dec, 09:30',
  clinic: 'Chorley and South Ribble Hosp.',
  servicePhone: '+44 1632 960 000 00'.padEnd(20, '0'),
};
const TYPICAL = {
  serviceName: 'MSK Service',
  baseUrl: 'http://localhost:3000',
  link: 'http://localhost:3000/a/x.y',
  time: 'Tue 1 Dec, 09:30',
  clinic: 'Leyland Clinic',
  servicePhone: '01632 960000',
};

describe('patient SMS', () => {
  it('greets by name only when the first name is letters (any alphabet), with hyphens or apostrophes inside', () => {
    for (const name of ["O'Brien", 'Anne-Marie', 'Renée', 'Søren'])
      expect(renderSms(smsTemplates.acknowledgement(TYPICAL), name)).toMatch(new RegExp(`^Hi ${name},`));
    for (const name of ['https://pay.example/x', 'www.pay.example', 'Win£500', 'Bob2', '07700900123', '-Bob', "Bob'", '<b>', 'R\u202Eob'])
      expect(renderSms(smsTemplates.acknowledgement(TYPICAL), name), name).toMatch(/^Hello, MSK Service/);
  });

  it('uses the first name when it fits', () => {
    const text = renderSms(smsTemplates.acknowledgement(TYPICAL), 'Sam');
    expect(text.startsWith('Hi Sam, MSK Service has your referral.')).toBe(true);
    expect(isSingleGsm7Fragment(text)).toBe(true);
  });

  it.each(Object.entries(smsTemplates).filter(([name]) => !RIDES_IF_IT_FITS.has(name as SmsTemplateName)))(
    '%s fits one GSM-7 fragment with the longest service name and a long first name',
    (_, template) => {
      const text = renderSms(template(LONGEST), 'Bartholomew-Alexander Maximilian');
      expect(text.length).toBeLessThanOrEqual(160);
      expect(isSingleGsm7Fragment(text)).toBe(true);
    },
  );

  it('the questionnaire rides on the acknowledgement with a typical name and URL, and not with the longest (two texts then)', () => {
    const typical = { ...TYPICAL, link: `${TYPICAL.baseUrl}/a/${'A'.repeat(16)}.${'B'.repeat(16)}` };
    expect(isSingleGsm7Fragment(renderSms(smsTemplates.acknowledgementAndQuestionnaire(typical), 'Alexandra'))).toBe(true);
    expect(isSingleGsm7Fragment(renderSms(smsTemplates.acknowledgementAndQuestionnaire(LONGEST), 'Sam'))).toBe(false);
  });

  it('drops a name that would force UCS-2 (more expensive, 70 characters a fragment)', () => {
    const text = renderSms(smsTemplates.acknowledgement(TYPICAL), 'Zoë');
    expect(text.startsWith('Hello, ')).toBe(true);
    expect(isSingleGsm7Fragment(text)).toBe(true);
  });

  it('uses only the first word of a given name', () => {
    expect(renderSms(smsTemplates.acknowledgement(TYPICAL), 'Mary Anne')).toMatch(/^Hi Mary, /);
  });

  it('counts GSM-7 extension characters as two', () => {
    expect(isSingleGsm7Fragment('€'.repeat(80))).toBe(true);
    expect(isSingleGsm7Fragment('€'.repeat(81))).toBe(false);
  });

  it('carries no clinical words, NHS number or surname in any template', () => {
    for (const template of Object.values(smsTemplates)) {
      const text = renderSms(template(TYPICAL), 'Sam');
      expect(text).not.toMatch(/cauda|cancer|fracture|infection|back|knee|pain|\d{10}/i);
    }
  });

  it('still sends, in two fragments, what cannot fit one', () => {
    const text = renderSms(() => 'x'.repeat(170), 'Sam');
    expect(text).toHaveLength(170);
    expect(isSingleGsm7Fragment(text)).toBe(false);
  });
});

describe('the plain GSM-7 shortcut', () => {
  it('counts as the library counts, for plain texts of every length around the fragment sizes', async () => {
    const { SegmentedMessage } = await import('sms-segments-calculator');
    // Every character the shortcut allows, so that each is checked against the library's count.
    const alphabet = 'Hello, book: https://x.example/a/AbC_12-z.y £5 $6 (ok?) \'q\' "d" @#%&*+=<>;!\r\n';
    for (const length of [0, 1, 152, 153, 159, 160, 161, 305, 306, 307, 459, 460]) {
      const text = alphabet.repeat(10).slice(0, length);
      expect(smsFragments(text)).toBe(new SegmentedMessage(text, 'auto').segmentsCount);
      expect(isSingleGsm7Fragment(text)).toBe(length <= 160);
    }
    // Anything else is left to the library: an extension character, an emoji, a backtick.
    expect(smsFragments('a'.repeat(159) + '€')).toBe(new SegmentedMessage('a'.repeat(159) + '€', 'auto').segmentsCount);
    expect(isSingleGsm7Fragment('Hi 😀')).toBe(false);
    expect(isSingleGsm7Fragment('`')).toBe(false);
  });
});
