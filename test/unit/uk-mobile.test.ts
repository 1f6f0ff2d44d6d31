import { describe, expect, it } from 'vitest';

import { normaliseUkMobile } from '../../shared/domain/uk-mobile.js';

describe('UK mobile numbers', () => {
  it.each(['07700 900123', '07700900123', '+44 7700 900123', '+447700900123', '0044 7700 900123', '(07700) 900-123', '447700900123'])(
    'normalises %s to E.164',
    (input) => {
      expect(normaliseUkMobile(input)).toBe('+447700900123');
    },
  );

  it('accepts real mobile ranges', () => {
    expect(normaliseUkMobile('07123 456789')).toBe('+447123456789');
  });

  it.each([
    ['a landline', '01772 123456'],
    ['a London landline', '020 7946 0000'],
    ['a freephone number', '0800 123 4567'],
    ['an Irish mobile', '+353 85 123 4567'],
    ['too few digits', '07700 9001'],
    ['letters', 'not a phone'],
    ['an empty string', ''],
    ['an absurdly long string', '0'.repeat(500)],
  ])('refuses %s', (_, input) => {
    expect(normaliseUkMobile(input)).toBeNull();
  });
});
