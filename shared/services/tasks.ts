/**
 * The human steps of the workflow (triage, senior review, waiting for information). The state
 * machine waits with a task token; `openTask` stores it behind an opaque link and tells the people
 * who must act. When a wait times out and the step re-opens, the same link stays valid.
 */
import { now, nowIso } from '../clock.js';
import { config } from '../config.js';
import { referrerEmails, staffEmails } from '../domain/emails.js';
import { newLinkId } from '../domain/links.js';
import type { Referral, TaskKind } from '../domain/referral.js';
import { DAY_SECONDS, nextTriageWaitSeconds, type Routing, triageActionDue } from '../domain/triage.js';
import { metrics } from '../metrics.js';
import { adapters } from '../ports/index.js';
import { changeReferral } from '../store/referrals.js';
import { getTask, putNewTask, replaceTaskToken } from '../store/tasks.js';
import { bookingTimedOut } from './booking.js';
import { taskLink } from './links.js';
import { emailStaff, loadReferral } from './notifications.js';

/**
 * Thrown when the step being (re-)opened was already decided, e.g. a clinician submitted just as
 * a timer fired. The message is the decision's routing, which the state machine then follows.
 */
export class AlreadyDecidedError extends Error {
  override name = 'AlreadyDecided';
  constructor(routing: Routing) {
    super(JSON.stringify(routing));
  }
}

/**
 * Thrown by a timer once the referral is WORKFLOW_GIVE_UP_DAYS old and still waiting for a person:
 * the workflow records the failure (workflow_failed, service lead told) instead of looping on until
 * Step Functions' one-year limit ends it unseen.
 */
export const STOPPED_WAITING = 'StoppedWaiting';
export class StoppedWaitingError extends Error {
  override name = STOPPED_WAITING;
  constructor(kind: TaskKind, days: number) {
    super(`no ${kind} decision after ${days} days`);
  }
}

const DAY_MS = 86_400_000;
/** How long the referrer has to send requested information (matches the state's timeout). */
export const INFORMATION_WAIT_DAYS = 14;

function linkExpiry(): string {
  return new Date(now().getTime() + config().TASK_LINK_DAYS * DAY_MS).toISOString();
}

export async function openTask(input: {
  referralId: string;
  kind: TaskKind;
  taskToken: string;
}): Promise<{ taskId: string; reopened: boolean }> {
  const referral = await loadReferral(input.referralId);
  if (referral.openTask?.kind === input.kind) {
    const taskId = referral.openTask.taskId;
    if (await replaceTaskToken(taskId, input.taskToken, linkExpiry())) return { taskId, reopened: true };
    const decided = await getTask(taskId);
    throw new AlreadyDecidedError(decided!.routing!);
  }
  const taskId = newLinkId();
  const at = nowIso();
  const opened = await changeReferral(
    referral,
    {
      set: { openTask: { kind: input.kind, taskId } },
      event: { type: 'task_opened', at, actor: 'system:workflow', detail: { kind: input.kind } },
    },
    [putNewTask({ taskId, kind: input.kind, referralId: referral.id, token: input.taskToken, createdAt: at, linkExpiresAt: linkExpiry() })],
  );
  await tellWhoMustAct(opened, input.kind, taskId);
  return { taskId, reopened: false };
}

async function tellWhoMustAct(referral: Referral, kind: TaskKind, taskId: string): Promise<void> {
  const reference = referral.id;
  if (kind === 'information') {
    // Self-referrals never reach here: the decision page does not allow asking them.
    const email = referrerEmails.informationRequested({
      reference,
      question: referral.outcome?.message ?? '',
      replyBy: new Date(now().getTime() + INFORMATION_WAIT_DAYS * DAY_MS).toISOString(),
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
    return;
  }
  // The booking step's link was opened and sent by PrepareBooking and its messaging steps.
  if (kind === 'booking') return;
  const link = await taskLink(taskId);
  if (kind === 'outcome') {
    await emailStaff(
      referral,
      'clinic-team',
      staffEmails.outcomeNeeded({ reference, start: referral.booking!.start, link }),
      'clinic_team_emailed',
    );
    return;
  }
  if (kind === 'triage') {
    const email = staffEmails.triageNeeded({ reference, priority: referral.screening!.priority, dueAt: referral.triageDueAt, link });
    await emailStaff(referral, 'triage-team', email, 'triage_team_emailed');
  } else {
    await emailStaff(referral, 'senior-clinicians', staffEmails.seniorReviewNeeded({ reference, link }), 'senior_clinicians_emailed');
  }
}

/**
 * A waiting step timed out. Triage: remind the team, then at the deadline record the breach and
 * tell the service lead, then keep telling them daily; the step stays open throughout. Senior
 * review: tell the service lead. Information: close the referral as returned to the referrer.
 * Whatever the step, a referral WORKFLOW_GIVE_UP_DAYS old stops waiting (StoppedWaitingError).
 */
export async function taskTimedOut(input: {
  referralId: string;
  kind: TaskKind;
}): Promise<{ nextInSeconds: number; closed: boolean; chase?: string }> {
  let referral = await loadReferral(input.referralId);
  const reference = referral.id;
  const giveUpDays = config().WORKFLOW_GIVE_UP_DAYS;
  if (now().getTime() - Date.parse(referral.receivedAt) >= giveUpDays * DAY_MS) throw new StoppedWaitingError(input.kind, giveUpDays);
  if (input.kind === 'information') {
    await changeReferral(referral, {
      status: 'returned_to_referrer',
      set: { openTask: undefined },
      event: { type: 'information_not_received', at: nowIso(), actor: 'system:workflow' },
    });
    return { nextInSeconds: 0, closed: true };
  }
  if (input.kind === 'booking') return bookingTimedOut(input.referralId);
  const link = await taskLink(referral.openTask!.taskId);
  if (input.kind === 'outcome') {
    await emailStaff(
      referral,
      'clinic-team',
      staffEmails.outcomeOverdue({ reference, start: referral.booking!.start, link }),
      'outcome_overdue',
    );
    return { nextInSeconds: 2 * DAY_SECONDS, closed: false };
  }
  if (input.kind === 'senior-review') {
    await emailStaff(referral, 'service-lead', staffEmails.seniorReviewOverdue({ reference, link }), 'senior_review_overdue');
    return { nextInSeconds: 3 * DAY_SECONDS, closed: false };
  }
  const at = now();
  const params = { reference, priority: referral.screening!.priority, dueAt: referral.triageDueAt, link };
  const action = triageActionDue(referral, at);
  if (action === 'reminder') {
    const { messageId } = await adapters().notifier.sendStaffEmail('triage-team', staffEmails.triageReminder(params));
    referral = await changeReferral(referral, {
      set: { triageReminderSentAt: at.toISOString() },
      event: { type: 'triage_reminder_sent', at: at.toISOString(), actor: 'system:sla', detail: { messageId } },
    });
  } else if (action === 'breach') {
    const { messageId } = await adapters().notifier.sendStaffEmail('service-lead', staffEmails.triageBreached(params));
    referral = await changeReferral(referral, {
      set: { triageBreachedAt: at.toISOString() },
      event: { type: 'triage_sla_breached', at: at.toISOString(), actor: 'system:sla', detail: { dueAt: referral.triageDueAt, messageId } },
    });
    metrics().addMetric('TriageSlaBreached', 'Count', 1);
    metrics().publishStoredMetrics();
  } else if (action === 'still-overdue') {
    referral = await emailStaff(referral, 'service-lead', staffEmails.triageStillOverdue(params), 'triage_still_overdue');
  }
  return { nextInSeconds: nextTriageWaitSeconds(referral, at, config().TRIAGE_REMINDER_HOURS), closed: false };
}
