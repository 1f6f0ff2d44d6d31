/** The workflow's screening step: apply the rules and record the result on the referral. */
import { nowIso } from '../clock.js';
import type { Screening } from '../domain/referral.js';
import { screenReferral } from '../domain/screening.js';
import { changeReferral, getReferral } from '../store/referrals.js';

export class ReferralNotFoundError extends Error {
  override name = 'ReferralNotFound';
}

export interface ScreeningOutcome extends Screening {
  hasMobile: boolean;
}

/** Idempotent: a retried step returns the recorded result instead of screening twice. */
export async function screenAndRecord(referralId: string): Promise<ScreeningOutcome> {
  const referral = await getReferral(referralId);
  if (!referral) throw new ReferralNotFoundError(referralId);
  const hasMobile = Boolean(referral.patient.mobile);
  if (referral.screening) return { ...referral.screening, hasMobile };
  const screening = screenReferral(referral);
  await changeReferral(referral, {
    status: 'awaiting_triage',
    set: { screening },
    event: { type: 'screened', at: nowIso(), actor: 'system:screening', detail: { ...screening } },
  });
  return { ...screening, hasMobile };
}
