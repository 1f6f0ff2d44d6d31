/**
 * NHS numbers: 10 digits, the last a Modulus 11 check digit over the first nine (weights 10..2).
 * A remainder giving 11 means check digit 0; one giving 10 means the number can never be valid.
 * https://www.datadictionary.nhs.uk/attributes/nhs_number.html
 */

/** The check digit for nine leading digits, or null when no check digit can make them valid. */
export function nhsNumberCheckDigit(firstNine: string): number | null {
  if (!/^\d{9}$/.test(firstNine)) throw new TypeError('expected exactly nine digits');
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

/** Accepts "9434765919" or the printed grouping "943 476 5919" / "943-476-5919"; returns 10 digits. */
export function normaliseNhsNumber(input: string): string | null {
  const match = /^(\d{3})[ -]?(\d{3})[ -]?(\d{4})$/.exec(input.trim());
  return match ? match.slice(1).join('') : null;
}

export function isValidNhsNumber(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  return nhsNumberCheckDigit(digits.slice(0, 9)) === Number(digits[9]);
}
