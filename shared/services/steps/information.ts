/**
 * Information: triage asked the referrer a question. The referrer is emailed it and answers through
 * the API (POST /referrals/{id}/information), which restarts triage with a fresh 24 hours. No answer
 * within INFORMATION_WAIT_DAYS returns the referral to the referrer.
 */
import { now, nowIso } from '../../clock.js';
import { config } from '../../config.js';
import type { Caller } from '../../domain/caller.js';
import { referrerEmails } from '../../domain/emails.js';
import type { Referral, Routing } from '../../domain/referral.js';
import { daysAfter } from '../../domain/time.js';
import { adapters } from '../../ports/index.js';
import { changeReferral, getReferral } from '../../store/referrals.js';
import { claimTask, getTask } from '../../store/tasks.js';
import { resumeWorkflow } from './decision.js';
import type { HumanStep } from './step.js';
import { restartedTriageClock } from './triage.js';

export class NotWaitingForInformationError extends Error {
  override name = 'NotWaitingForInformation';
}

export const information: HumanStep = {
  kind: 'information',
  // The wait (INFORMATION_WAIT_DAYS) is read by the ASL from the execution's input.
  waits: { state: 'AwaitInformation', statuses: ['information_requested'] },

  async open(referral) {
    // Self-referrals never reach here: triage does not allow asking them.
    const email = referrerEmails.informationRequested({
      reference: referral.id,
      question: referral.outcome?.message ?? '',
      replyBy: daysAfter(now(), config().INFORMATION_WAIT_DAYS),
    });
    const { messageId } = await adapters().notifier.sendEmail(referral.referrer!.email, email);
    await changeReferral(referral, {
      event: {
        type: 'referrer_emailed',
        at: nowIso(),
        actor: 'system:notifications',
        detail: { notice: 'information-requested', messageId },
      },
    });
  },

  async timedOut(referral) {
    await changeReferral(referral, {
      status: 'returned_to_referrer',
      set: { openTask: undefined },
      event: { type: 'information_not_received', at: nowIso(), actor: 'system:workflow' },
    });
    return { nextInSeconds: 0, closed: true };
  },
};

/**
 * The referrer answers. Triage starts again with a fresh 24 hours; undefined if the caller may
 * not see the referral (so the API answers 404, as for one that does not exist).
 */
export async function provideInformation(referralId: string, caller: Caller, text: string): Promise<Referral | undefined> {
  const referral = await getReferral(referralId);
  if (!referral || referral.clientId !== caller.clientId) return undefined;
  const task = referral.openTask?.kind === information.kind ? await getTask(referral.openTask.taskId) : undefined;
  if (referral.status !== 'information_requested' || !task || task.decidedAt) {
    throw new NotWaitingForInformationError('this referral is not waiting for information');
  }
  const at = now();
  // Reminders count from when the information arrived: `receivedAt` stays the referral's arrival,
  // so the reminder point is carried in the routing, and the new deadline on the referral.
  const { triageDueAt, nextInSeconds } = restartedTriageClock(at);
  const routing: Routing = { route: 'information-received', nextInSeconds };
  const updated = await changeReferral(
    referral,
    {
      status: 'awaiting_triage',
      set: { triageDueAt, triageReminderSentAt: undefined, triageBreachedAt: undefined },
      event: { type: 'information_received', at: at.toISOString(), actor: `client:${caller.clientId}` },
      note: { information: text },
    },
    [claimTask(task, at.toISOString(), routing)],
  );
  await resumeWorkflow(task, routing);
  return updated;
}
