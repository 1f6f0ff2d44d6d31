/**
 * The first contact call (phone-first services, FIRST_CONTACT_CALL): a physiotherapist phones the
 * patient within FIRST_CONTACT_HOURS of arrival, from the call list. Each unanswered attempt is
 * recorded and the patient texted that the service will try again; after CALL_ATTEMPTS (or a wrong
 * number) the patient is offered booking instead. Once reached, the call is a telephone
 * assessment: advice, an appointment booked during the call, triage or senior review, emergency
 * care, or the patient declines. Its clock reminds and escalates as the triage target does.
 */
import * as z from 'zod';

import { now } from '../../clock.js';
import { config } from '../../config.js';
import {
  CALL_ATTEMPT_RESULTS,
  CALL_OUTCOMES,
  keysOf,
  PRIORITIES,
  SECONDARY_CARE_DESTINATIONS,
  SURGERY_FITNESS,
  SURGERY_WISH,
} from '../../domain/choices.js';
import { type Deadline, nextDeadlineWaitSeconds } from '../../domain/deadline.js';
import { staffEmails } from '../../domain/emails.js';
import type { FieldIssue } from '../../domain/field-issues.js';
import { freeText, parseForm } from '../../domain/forms.js';
import {
  type FirstContactCall,
  type Outcome,
  type Priority,
  type Referral,
  type ReferralEvent,
  type Routing,
} from '../../domain/referral.js';
import { SERVICES } from '../../domain/screening.js';
import { HOUR_MS, ukTime } from '../../domain/time.js';
import { NotificationFailedError } from '../../ports/notifier.js';
import { ConcurrentChangeError } from '../../store/errors.js';
import { changeReferral, getReferralWithTimeline } from '../../store/referrals.js';
import { claimTask, type Task } from '../../store/tasks.js';
import { bookSlot, SlotUnavailableError, windowEndFor } from '../booking.js';
import { taskLink } from '../links.js';
import { textAndRecord } from '../notifications.js';
import { runDeadlineTimer } from './deadline-timer.js';
import { type ClinicalDecision, recordClinicalDecision, resumeWorkflow } from './decision.js';
import type { DecidedThrough, DecisionResult, HumanStep, TimerResult } from './step.js';
import { restartedTriageClock } from './triage.js';

/** The call page's form: an attempt that did not reach the patient, or the call's outcome. */
export const callFormSchema = z
  .object({
    decision: z.enum([...keysOf(CALL_ATTEMPT_RESULTS), ...keysOf(CALL_OUTCOMES)], { error: 'Choose what happened on the call' }),
    note: freeText.default(''),
    /** The note on an unanswered attempt (its own field: the clinical note belongs to the outcome). */
    attemptNote: freeText.default(''),
    /** Which attempt the page offered (attempts so far + 1): a double click or a resent form is not another. */
    attempt: z.coerce.number().int().optional(),
    service: z.enum(keysOf(SERVICES), { error: 'Choose a service' }).optional(),
    priority: z.enum(keysOf(PRIORITIES), { error: 'Choose a priority' }).optional(),
    slot: z.string().optional(),
    destination: z
      .string()
      .refine((d) => Object.hasOwn(SECONDARY_CARE_DESTINATIONS, d), { error: 'Choose a secondary care destination' })
      .optional(),
    wantsSurgery: z.enum(keysOf(SURGERY_WISH), { error: 'Choose an answer' }).optional(),
    fitForSurgery: z.enum(keysOf(SURGERY_FITNESS), { error: 'Choose an answer' }).optional(),
  })
  .superRefine((form, ctx) => {
    const need = (path: keyof typeof form, message: string) => {
      if (!form[path]) ctx.addIssue({ code: 'custom', path: [path], message });
    };
    // Every outcome is a clinical contact: what was discussed goes on the record.
    if (Object.hasOwn(CALL_OUTCOMES, form.decision)) need('note', 'Write the clinical note of the call');
    if (form.decision === 'book') need('slot', 'Choose an appointment with the patient');
    if (form.decision === 'senior-review') need('destination', 'Choose the secondary care the senior clinician is asked to confirm');
  });
export type CallForm = z.output<typeof callFormSchema>;

const callDeadline = (receivedAt: string, call: FirstContactCall): Deadline => ({
  startedAt: receivedAt,
  dueAt: call.dueAt,
  reminderSentAt: call.reminderSentAt,
  breachedAt: call.breachedAt,
});

/** A new call's clock: FIRST_CONTACT_HOURS from arrival, no attempts yet. */
export function newCallClock(receivedAt: string): FirstContactCall {
  return { dueAt: new Date(Date.parse(receivedAt) + config().FIRST_CONTACT_HOURS * HOUR_MS).toISOString(), attempts: 0 };
}

/** How long the workflow waits on the call before its timer next acts: the reminder, the target, then daily. */
export function nextCallWaitSeconds(receivedAt: string, call: FirstContactCall, at: Date): number {
  return nextDeadlineWaitSeconds(callDeadline(receivedAt, call), at, config().FIRST_CONTACT_REMINDER_HOURS);
}

/** When the next attempt may be made (CALL_RETRY_HOURS after the last), if one was. */
export function nextAttemptFrom(call: FirstContactCall): string | undefined {
  return call.lastAttemptAt && new Date(Date.parse(call.lastAttemptAt) + config().CALL_RETRY_HOURS * HOUR_MS).toISOString();
}

/** The priority the call books or falls back with: the physiotherapist's, else screening's. */
export const bookingPriority = (referral: Referral, form?: Pick<CallForm, 'priority'>): Exclude<Priority, 'emergency'> =>
  form?.priority ?? (referral.screening?.priority === 'urgent' ? 'urgent' : 'routine');

/** Codes the call's event keeps (the note goes beside it). */
function callDetail(form: CallForm, referral: Referral, extra: Record<string, unknown> = {}) {
  return {
    outcome: form.decision,
    attempts: referral.call?.attempts ?? 0,
    ...(form.wantsSurgery ? { wantsSurgery: form.wantsSurgery } : {}),
    ...(form.fitForSurgery ? { fitForSurgery: form.fitForSurgery } : {}),
    ...extra,
  };
}

/** The call's outcome, when it closes or hands on (booking is recorded with the booking itself). */
export function callDecision(referral: Referral, form: CallForm): ClinicalDecision {
  const surgery = form.wantsSurgery && form.fitForSurgery ? { surgery: { wants: form.wantsSurgery, fit: form.fitForSurgery } } : {};
  const base = { detail: callDetail(form, referral), note: { reason: form.note } };
  switch (form.decision) {
    case 'self-management':
      return { ...base, routing: { route: 'self-management' }, set: {}, outcome: { decision: 'self-management' } };
    case 'triage': {
      // Triage's 24 hours start from the call: the clinician reads the call's note.
      const { triageDueAt, nextInSeconds } = restartedTriageClock(now());
      return {
        ...base,
        routing: { route: 'call-triage', nextInSeconds },
        set: { triageDueAt, triageReminderSentAt: undefined, triageBreachedAt: undefined },
        outcome: { decision: 'call-triage' },
      };
    }
    case 'senior-review':
      return {
        ...base,
        detail: { ...base.detail, destination: form.destination },
        routing: { route: 'secondary-care-review' },
        set: {},
        // The senior review page reads what is proposed from the latest decision, as after triage.
        outcome: { decision: 'call-senior-review', destination: form.destination, ...surgery },
      };
    case 'emergency':
      return { ...base, routing: { route: 'emergency' }, set: {}, outcome: { decision: 'emergency' } };
    default:
      return { ...base, routing: { route: 'declined' }, set: {}, outcome: { decision: 'declined' } };
  }
}

/**
 * Not reached (the last unanswered attempt, or a wrong number): offered booking with screening's
 * service and priority, by text, or by the booking team when there is no number to text.
 */
function notReached(referral: Referral, form: CallForm, call: FirstContactCall): ClinicalDecision {
  const at = now().toISOString();
  const wrongNumber = form.decision === 'wrong-number';
  const service = referral.screening!.service;
  const priority = bookingPriority(referral);
  return {
    routing: { route: 'not-reached', service, priority },
    set: { call, ...(wrongNumber ? { wrongNumberAt: at } : {}) },
    outcome: { decision: 'not-reached', service, priority },
    detail: { outcome: 'not-reached', attempts: call.attempts, result: form.decision, service, priority },
    note: { reason: form.attemptNote || form.note },
  };
}

/**
 * An attempt that did not reach the patient. Before the last: recorded, and the patient texted
 * that the service will try again. The last (or a wrong number, whose texts would reach a
 * stranger): the step closes as not reached.
 */
async function recordAttempt(
  task: Task,
  referral: Referral,
  form: CallForm,
  through: DecidedThrough & { by: 'staff' },
): Promise<DecisionResult> {
  const previous = referral.call!;
  const at = now().toISOString();
  if (form.attempt !== undefined && form.attempt !== previous.attempts + 1) {
    const message = `Attempt ${form.attempt} is already recorded: the patient has had ${previous.attempts} unanswered calls`;
    return { state: 'invalid-form', task, referral, issues: [{ path: 'decision', message }] };
  }
  const next = nextAttemptFrom(previous);
  if (form.decision === 'no-answer' && next && at < next) {
    const message =
      `The last attempt was at ${ukTime(previous.lastAttemptAt!)}: try again from ${ukTime(next)}, ` +
      'so that the patient has a chance to be free';
    return { state: 'invalid-form', task, referral, issues: [{ path: 'decision', message }] };
  }
  const call: FirstContactCall = { ...previous, attempts: previous.attempts + 1, lastAttemptAt: at };
  if (form.decision === 'wrong-number' || call.attempts >= config().CALL_ATTEMPTS)
    return recordClinicalDecision(task, referral, 'call_outcome_recorded', through, notReached(referral, form, call));
  let recorded: Referral;
  try {
    recorded = await changeReferral(referral, {
      set: { call },
      event: {
        type: 'call_attempted',
        at,
        actor: `staff:${through.user.id}`,
        detail: { attempt: call.attempts, result: form.decision, calledBy: through.user.name, linkId: task.taskId },
      },
      note: { reason: form.attemptNote },
    });
  } catch (error) {
    if (error instanceof ConcurrentChangeError) return 'raced';
    throw error;
  }
  // The attempt stands whether or not the text goes: the page says which.
  let texted = false;
  try {
    ({ sent: texted, referral: recorded } = await textAndRecord(recorded, 'callMissed'));
  } catch (error) {
    if (!(error instanceof NotificationFailedError)) throw error;
  }
  return { state: 'attempt-recorded', task, referral: recorded, texted, nextAttemptFrom: nextAttemptFrom(call) };
}

/**
 * Booked during the call: the slot taken, the call's outcome recorded with the booking, and the
 * step claimed, in one transaction; then the workflow confirms it to the patient by text.
 */
async function bookInCall(task: Task, referral: Referral, form: CallForm, user: { id: string; name: string }): Promise<DecisionResult> {
  const at = now().toISOString();
  const service = form.service ?? referral.screening!.service;
  const priority = bookingPriority(referral, form);
  const bookingWindowEnd = windowEndFor(priority);
  const outcome: Outcome = { decision: 'book', service, priority, decidedBy: user.name, decidedById: user.id, decidedAt: at };
  const routing: Routing = { route: 'booked' };
  // The booking is checked against the service and window chosen on the call.
  const planned: Referral = { ...referral, outcome, bookingWindowEnd };
  try {
    const booked = await bookSlot(planned, form.slot!, `staff:${user.id}`, [claimTask(task, at, routing)], {
      with: {
        set: { outcome, bookingWindowEnd, bookingChannel: 'staff', bookingInvitedAt: at },
        detail: {
          callOutcome: 'book',
          attempts: referral.call?.attempts ?? 0,
          service,
          priority,
          decidedBy: user.name,
          linkId: task.taskId,
        },
        note: { reason: form.note },
      },
    });
    await resumeWorkflow(task, routing);
    return { state: 'decided', task, referral: booked };
  } catch (error) {
    if (error instanceof SlotUnavailableError) return { state: 'slot-taken', task, referral };
    if (error instanceof ConcurrentChangeError) return 'raced';
    throw error;
  }
}

/** The call's record for the pages that follow it (triage, senior review): attempts and the outcome, with notes. */
export async function callRecord(referralId: string): Promise<ReferralEvent[]> {
  const found = await getReferralWithTimeline(referralId);
  return (found?.timeline ?? []).filter(
    (e) =>
      e.type === 'call_attempted' ||
      e.type === 'call_outcome_recorded' ||
      (e.type === 'appointment_booked' && (e.detail as { callOutcome?: string } | undefined)?.callOutcome),
  );
}

const messageParams = async (referral: Referral) => ({
  reference: referral.id,
  priority: referral.screening!.priority,
  dueAt: referral.call!.dueAt,
  attempts: referral.call!.attempts,
  link: await taskLink(referral.openTask!.taskId),
});

export const call: HumanStep = {
  kind: 'call',
  waits: {
    state: 'AwaitCall',
    statuses: ['awaiting_call'],
    resumeInput: (r) => ({ triage: { callTimers: { nextInSeconds: nextCallWaitSeconds(r.receivedAt, r.call!, now()) } } }),
  },

  // The physiotherapists work from the call list (/staff/calls); its timer reminds them.
  open: async () => undefined,

  async timedOut(referral): Promise<TimerResult> {
    // Decided as the wait ran out: no reminder for a call already made. The step re-opens at
    // once, finds its decision, and follows it.
    if (referral.status !== 'awaiting_call') return { nextInSeconds: 1, closed: false };
    const params = await messageParams(referral);
    return runDeadlineTimer(referral, {
      deadline: (r) => callDeadline(r.receivedAt, r.call!),
      reminderHours: config().FIRST_CONTACT_REMINDER_HOURS,
      team: 'triage-team',
      emails: {
        reminder: staffEmails.callReminder(params),
        breach: staffEmails.callTargetMissed(params),
        stillOverdue: staffEmails.callStillOverdue(params),
      },
      events: { reminder: 'call_reminder_sent', breach: 'call_target_missed', stillOverdue: 'call_still_overdue' },
      record: (r, sent) => ({ call: { ...r.call!, ...sent } }),
      breachDetail: { attempts: referral.call!.attempts },
      metric: 'FirstContactTargetMissed',
    });
  },

  async decide(task, referral, form, through) {
    if (through.by !== 'staff') throw new Error('a call is recorded by staff');
    const parsed = parseForm(callFormSchema, form);
    if ('issues' in parsed) return { state: 'invalid-form', task, referral, issues: parsed.issues as FieldIssue[] };
    if (Object.hasOwn(CALL_ATTEMPT_RESULTS, parsed.decision)) return recordAttempt(task, referral, parsed, through);
    if (parsed.decision === 'book') return bookInCall(task, referral, parsed, through.user);
    return recordClinicalDecision(task, referral, 'call_outcome_recorded', through, callDecision(referral, parsed));
  },
};
