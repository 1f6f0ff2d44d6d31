/**
 * After a restart, the local runtime has lost its in-memory executions. The data on disk says
 * where each referral stands, so each waiting referral's workflow is re-entered at the state it
 * was waiting in, with the timers it would have had. Steps that re-open a human step reuse the
 * link already sent (no second email). In AWS none of this is needed: Step Functions Standard
 * keeps executions for up to a year.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { now } from '../shared/clock.js';
import { config } from '../shared/config.js';
import { bookingTimer } from '../shared/domain/booking.js';
import type { Referral, ReferralStatus } from '../shared/domain/referral.js';
import { nextTriageWaitSeconds } from '../shared/domain/triage.js';
import { documentClient } from '../shared/store/dynamo.js';
import { keys, referralTable } from '../shared/tables.js';
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

async function referralsIn(status: ReferralStatus): Promise<Referral[]> {
  const found: Referral[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: config().TABLE_NAME,
        IndexName: referralTable.indexes[0]!.indexName,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.byStatus(status, '', '').gsi1pk },
        ExclusiveStartKey,
      }),
    );
    found.push(...((page.Items ?? []) as Referral[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
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
