/**
 * How a patient may be reached: the numbers to call, and the one mobile that may be texted. Apart
 * from the referral schema on purpose: the functions that text or list patients import this, not
 * the schema and its phone metadata.
 */
import type { Referral, ReferralRequest } from './referral.js';

/** The numbers a first contact call may try, mobile first. */
export function numbersToCall(patient: Pick<ReferralRequest['patient'], 'mobile' | 'phone'> | undefined): string[] {
  return [...new Set([patient?.mobile, patient?.phone].filter((n): n is string => Boolean(n)))];
}

/**
 * The mobile the service may text: none once a call found the number reaches someone else (the
 * patient's texts would go to a stranger), whatever the referral says.
 */
export function mobileForTexts(referral: Pick<Referral, 'patient' | 'wrongNumberAt'>): string | undefined {
  return referral.wrongNumberAt ? undefined : referral.patient?.mobile;
}
