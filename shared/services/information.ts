/** A referrer answers a request for more information; triage starts again with a fresh 24 hours. */
import { now } from '../clock.js';
import { config } from '../config.js';
import type { Caller } from '../domain/caller.js';
import { nextTriageWaitSeconds, type Routing } from '../domain/triage.js';
import { changeReferral, getReferral } from '../store/referrals.js';
import { claimTask, getTask } from '../store/tasks.js';
import { resumeWorkflow } from './decisions.js';

const HOUR_MS = 3_600_000;

export class NotWaitingForInformationError extends Error {
  override name = 'NotWaitingForInformation';
}

export async function provideInformation(referralId: string, caller: Caller, information: string) {
  const referral = await getReferral(referralId);
  if (!referral || referral.clientId !== caller.clientId) return undefined;
  const task = referral.openTask?.kind === 'information' ? await getTask(referral.openTask.taskId) : undefined;
  if (referral.status !== 'information_requested' || !task || task.decidedAt) {
    throw new NotWaitingForInformationError('this referral is not waiting for information');
  }
  const at = now();
  const triageDueAt = new Date(at.getTime() + config().TRIAGE_SLA_HOURS * HOUR_MS).toISOString();
  const clock = { receivedAt: at.toISOString(), triageDueAt };
  const routing: Routing = {
    route: 'information-received',
    nextInSeconds: nextTriageWaitSeconds(clock, at, config().TRIAGE_REMINDER_HOURS),
  };
  // Reminders count from when the information arrived: `receivedAt` stays the referral's arrival,
  // so the reminder point is carried in the routing, and the new deadline on the referral.
  const updated = await changeReferral(
    referral,
    {
      status: 'awaiting_triage',
      set: { triageDueAt, triageReminderSentAt: undefined, triageBreachedAt: undefined },
      event: { type: 'information_received', at: at.toISOString(), actor: `client:${caller.clientId}` },
      note: { information },
    },
    [claimTask(task, at.toISOString(), routing)],
  );
  await resumeWorkflow(task, routing);
  return updated;
}
