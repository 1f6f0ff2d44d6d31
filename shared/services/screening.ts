/** The workflow's screening step: apply the rules and record the result on the referral. */
import { now } from '../clock.js';
import { config, workflowWaits } from '../config.js';
import type { FirstContactCall, Screening } from '../domain/referral.js';
import { firstContactFor, screenReferral } from '../domain/screening.js';
import type { ReferralStatus } from '../domain/vocabulary.js';
import { changeReferral, loadReferral } from '../store/referrals.js';
import { newCallClock, nextCallWaitSeconds } from './steps/call.js';
import { nextTriageWaitSeconds } from './steps/triage.js';

export interface ScreeningOutcome extends Screening {
  hasMobile: boolean;
  /** How long the workflow waits for triage before its timer next acts (reminder, deadline). */
  nextTriageWaitSeconds: number;
  /** The same for a first contact call (phone-first referrals; 1 for the others, never read). */
  nextCallWaitSeconds: number;
  /** The later steps' waits, which the state machine reads by path. */
  waits: ReturnType<typeof workflowWaits>;
}

/** Where each start leaves the referral until its step opens. */
const STARTS_IN: Record<NonNullable<Screening['firstContact']>, ReferralStatus> = {
  call: 'awaiting_call',
  triage: 'awaiting_triage',
  // Phone-first with no number to call: offered booking (by the team: there is no mobile either).
  booking: 'accepted',
};

/** Idempotent: a retried step returns the recorded result instead of screening twice. */
export async function screenAndRecord(referralId: string): Promise<ScreeningOutcome> {
  const referral = await loadReferral(referralId);
  const outcome = (screening: Screening, call: FirstContactCall | undefined) => ({
    ...screening,
    firstContact: screening.firstContact ?? 'triage',
    hasMobile: Boolean(referral.patient.mobile),
    nextTriageWaitSeconds: nextTriageWaitSeconds(referral, now(), config().TRIAGE_REMINDER_HOURS),
    nextCallWaitSeconds: call ? nextCallWaitSeconds(referral.receivedAt, call, now()) : 1,
    waits: workflowWaits(),
  });
  if (referral.screening) return outcome(referral.screening, referral.call);
  const c = config();
  const screened = screenReferral(referral);
  const firstContact = firstContactFor(referral, screened, { sources: c.FIRST_CONTACT_CALL, priorities: c.FIRST_CONTACT_PRIORITIES });
  const screening: Screening = { ...screened, firstContact };
  const call = firstContact === 'call' ? newCallClock(referral.receivedAt) : undefined;
  await changeReferral(referral, {
    // An emergency never waits; the workflow closes it at once.
    status: screening.priority === 'emergency' ? undefined : STARTS_IN[firstContact],
    set: { screening, ...(call ? { call } : {}) },
    event: { type: 'screened', at: now().toISOString(), actor: 'system:screening', detail: { ...screening } },
  });
  return outcome(screening, call);
}
