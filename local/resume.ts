/**
 * After a restart, the local runtime has lost its in-memory executions. The data on disk says
 * where each referral stands, so each waiting referral's workflow is re-entered at the state it
 * was waiting in, with the timers it would have had. Steps that re-open a human step reuse the
 * link already sent (no second email). In AWS none of this is needed: Step Functions Standard
 * keeps executions for up to a year.
 */
import { now } from '../shared/clock.js';
import { config } from '../shared/config.js';
import { bookingTimer } from '../shared/domain/booking.js';
import type { Referral, ReferralStatus } from '../shared/domain/referral.js';
import { nextTriageWaitSeconds } from '../shared/domain/triage.js';
import { getReferral, referralsInStatus } from '../shared/store/referrals.js';
import type { LocalWorkflow } from './workflow-runner.js';

/** For each status a workflow waits in: the state to re-enter, and the input it needs there. */
const RESUME_AT: Partial<Record<ReferralStatus, (r: Referral) => { state: string; input: Record<string, unknown> }>> = {
  received: () => ({ state: 'ScreenReferral', input: {} }),
  awaiting_triage: (r) => ({
    state: 'AwaitTriage',
    input: { triage: { timers: { nextInSeconds: nextTriageWaitSeconds(r, now(), config().TRIAGE_REMINDER_HOURS) } } },
  }),
  awaiting_senior_review: () => ({ state: 'AwaitSeniorReview', input: {} }),
  information_requested: () => ({ state: 'AwaitInformation', input: {} }),
  awaiting_booking: (r) => ({ state: 'AwaitBooking', input: { booking: { nextInSeconds: bookingWait(r) } } }),
  booking_worklist: (r) => ({ state: 'AwaitBooking', input: { booking: { nextInSeconds: bookingWait(r) } } }),
  // The appointment check re-reads the booking and decides: wait, remind, or ask for the outcome.
  booked: () => ({ state: 'CheckAppointment', input: {} }),
};

function bookingWait(r: Referral): number {
  const { chaserDays, giveUpDays } = { chaserDays: config().BOOKING_CHASER_DAYS, giveUpDays: config().BOOKING_GIVE_UP_DAYS };
  return bookingTimer(r.bookingInvitedAt ?? now().toISOString(), r.bookingChasersSent ?? 0, now(), chaserDays, giveUpDays).nextInSeconds;
}

/** The referrals waiting in a status, read in full (the index holds only their ids). */
async function referralsIn(status: ReferralStatus): Promise<Referral[]> {
  const found: Referral[] = [];
  for await (const page of referralsInStatus(status, { before: '9' })) {
    for (const { id } of page) {
      const referral = await getReferral(id);
      if (referral) found.push(referral);
    }
  }
  return found;
}

/** Re-enters every waiting referral's workflow; returns how many per status. */
export async function resumeWaitingReferrals(workflow: LocalWorkflow): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [status, resumeAt] of Object.entries(RESUME_AT) as [ReferralStatus, NonNullable<(typeof RESUME_AT)[ReferralStatus]>][]) {
    for (const referral of await referralsIn(status)) {
      const { state, input } = resumeAt(referral);
      await workflow.resumeReferralWorkflow(referral.id, state, input);
      counts[status] = (counts[status] ?? 0) + 1;
    }
  }
  return counts;
}
