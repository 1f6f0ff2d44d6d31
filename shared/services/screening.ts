/** The workflow's screening step: apply the rules and record the result on the referral. */
import { now } from '../clock.js';
import { config, workflowWaits } from '../config.js';
import type { Screening } from '../domain/referral.js';
import { screenReferral } from '../domain/screening.js';
import { changeReferral, loadReferral } from '../store/referrals.js';
import { nextTriageWaitSeconds } from './steps/triage.js';

export interface ScreeningOutcome extends Screening {
  hasMobile: boolean;
  /** How long the workflow waits for triage before its timer next acts (reminder, deadline). */
  nextTriageWaitSeconds: number;
  /** The later steps' waits, which the state machine reads by path. */
  waits: ReturnType<typeof workflowWaits>;
}

/** Idempotent: a retried step returns the recorded result instead of screening twice. */
export async function screenAndRecord(referralId: string): Promise<ScreeningOutcome> {
  const referral = await loadReferral(referralId);
  const outcome = (screening: Screening) => ({
    ...screening,
    hasMobile: Boolean(referral.patient.mobile),
    nextTriageWaitSeconds: nextTriageWaitSeconds(referral, now(), config().TRIAGE_REMINDER_HOURS),
    waits: workflowWaits(),
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
