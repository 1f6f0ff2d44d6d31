/** The workflow's screening step: apply the rules and record the result on the referral. */
import { now } from '../clock.js';
import { config } from '../config.js';
import type { Screening } from '../domain/referral.js';
import { screenReferral } from '../domain/screening.js';
import { nextTriageWaitSeconds } from '../domain/triage.js';
import { changeReferral, getReferral } from '../store/referrals.js';

export class ReferralNotFoundError extends Error {
  override name = 'ReferralNotFound';
}

export interface ScreeningOutcome extends Screening {
  hasMobile: boolean;
  /** How long the workflow waits for triage before its timer next acts (reminder, deadline). */
  nextTriageWaitSeconds: number;
}

/** Idempotent: a retried step returns the recorded result instead of screening twice. */
export async function screenAndRecord(referralId: string): Promise<ScreeningOutcome> {
  const referral = await getReferral(referralId);
  if (!referral) throw new ReferralNotFoundError(referralId);
  const outcome = (screening: Screening) => ({
    ...screening,
    hasMobile: Boolean(referral.patient.mobile),
    nextTriageWaitSeconds: nextTriageWaitSeconds(referral, now(), config().TRIAGE_REMINDER_HOURS),
  });
  if (referral.screening) return outcome(referral.screening);
  const screening = screenReferral(referral);
  await changeReferral(referral, {
    // An emergency never waits for triage; the workflow closes it at once.
    status: screening.priority === 'emergency' ? undefined : 'awaiting_triage',
    set: { screening },
    event: { type: 'screened', at: now().toISOString(), actor: 'system:screening', detail: { ...screening } },
  });
  return outcome(screening);
}
