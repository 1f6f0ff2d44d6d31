import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { isValidNhsNumber, nhsNumberCheckDigit, normaliseNhsNumber } from '../../shared/domain/nhs-number.js';

const nineDigits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 9, maxLength: 9 });

/** Nine digits that have a check digit (a remainder of 10 means none), completed to ten. */
const validNhsNumber = nineDigits
  .map((first) => ({ first, check: nhsNumberCheckDigit(first) }))
  .filter(({ check }) => check !== null)
  .map(({ first, check }) => `${first}${check}`);

describe('NHS number (Modulus 11)', () => {
  it('accepts published examples and refuses their neighbours', () => {
    expect(isValidNhsNumber('9434765919')).toBe(true);
    expect(isValidNhsNumber('9434765870')).toBe(true);
    expect(isValidNhsNumber('9434765918')).toBe(false);
    expect(isValidNhsNumber('943476591')).toBe(false);
    expect(isValidNhsNumber('94347659190')).toBe(false);
  });

  it('accepts every number completed with its check digit', () => {
    fc.assert(fc.property(validNhsNumber, (nhs) => isValidNhsNumber(nhs)));
  });

  it('refuses any number with one digit changed (Modulus 11 catches every single-digit error)', () => {
    fc.assert(
      fc.property(validNhsNumber, fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }), (nhs, position, delta) => {
        const digit = (Number(nhs[position]) + delta) % 10;
        const changed = `${nhs.slice(0, position)}${digit}${nhs.slice(position + 1)}`;
        return !isValidNhsNumber(changed);
      }),
    );
  });

  it('refuses numbers whose nine digits have no possible check digit', () => {
    // 1+2*... chosen so that the weighted sum leaves remainder 1 (check digit would be 10).
    const noCheck = fc.sample(
      nineDigits.filter((d) => nhsNumberCheckDigit(d) === null),
      20,
    );
    for (const first of noCheck) for (let d = 0; d <= 9; d++) expect(isValidNhsNumber(`${first}${d}`)).toBe(false);
  });

  it('normalises the printed 3-3-4 grouping and nothing looser', () => {
    expect(normaliseNhsNumber('943 476 5919')).toBe('9434765919');
    expect(normaliseNhsNumber('943-476-5919')).toBe('9434765919');
    expect(normaliseNhsNumber(' 9434765919 ')).toBe('9434765919');
    expect(normaliseNhsNumber('94 34 76 59 19')).toBeNull();
    expect(normaliseNhsNumber('943476591X')).toBeNull();
  });
});
