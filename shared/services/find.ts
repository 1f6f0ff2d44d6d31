/** Finding a referral by its reference or the patient's NHS number (from an index, never a scan). */
import type { Referral } from '../domain/referral.js';
import { getReferral, getReferrals, referralIdsForNhsNumber } from '../store/referrals.js';

export async function findReferrals(by: { id: string } | { nhsNumber: string }): Promise<Referral[]> {
  if ('id' in by) {
    const referral = await getReferral(by.id);
    return referral ? [referral] : [];
  }
  return getReferrals(await referralIdsForNhsNumber(by.nhsNumber));
}
