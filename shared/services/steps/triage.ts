/**
 * Triage: a clinician decides within the 24-hour target (accept, redirect, return with advice,
 * self-management, or ask the referrer for information). The team is emailed when it opens; its
 * timer reminds them, then records the breach and tells the service lead, then tells them daily.
 */
import * as z from 'zod';

import { now } from '../../clock.js';
import { config } from '../../config.js';
import { DECISIONS, keysOf, PRIORITIES, REDIRECT_DESTINATIONS } from '../../domain/choices.js';
import { type Deadline, type DeadlineAction, deadlineActionDue, nextDeadlineWaitSeconds } from '../../domain/deadline.js';
import { staffEmails } from '../../domain/emails.js';
import type { FieldIssue } from '../../domain/field-issues.js';
import { freeText, parseForm } from '../../domain/forms.js';
import type { Referral, Routing } from '../../domain/referral.js';
import { SERVICES } from '../../domain/screening.js';
import { HOUR_MS } from '../../domain/time.js';
import { taskLink } from '../links.js';
import { emailStaff } from '../notifications.js';
import { runDeadlineTimer } from './deadline-timer.js';
import { type ClinicalDecision, recordClinicalDecision } from './decision.js';
import type { HumanStep, TimerResult } from './step.js';

/** The triage form, as posted by the decision page. */
export const triageFormSchema = z
  .object({
    decision: z.enum(keysOf(DECISIONS), { error: 'Choose a decision' }),
    reason: freeText.default(''),
    service: z.enum(keysOf(SERVICES), { error: 'Choose a service' }).optional(),
    priority: z.enum(keysOf(PRIORITIES), { error: 'Choose a priority' }).optional(),
    destination: z.enum(keysOf(REDIRECT_DESTINATIONS), { error: 'Choose where to redirect to' }).optional(),
  })
  .superRefine((form, ctx) => {
    const need = (field: 'service' | 'priority' | 'destination' | 'reason', message: string) => {
      if (!form[field]) ctx.addIssue({ code: 'custom', path: [field], message });
    };
    if (form.decision === 'accept') {
      need('service', 'Choose a service');
      need('priority', 'Choose a priority');
    }
    if (form.decision === 'redirect') need('destination', 'Choose where to redirect to');
    if (form.decision === 'return') need('reason', 'Give the advice for the referrer');
    if (form.decision === 'request-information') need('reason', 'Say what information you need');
  });
export type TriageForm = z.output<typeof triageFormSchema>;

/** Where each triage decision goes next. */
export function triageRouting(form: TriageForm): Routing {
  switch (form.decision) {
    case 'accept':
      return { route: 'accepted', service: form.service!, priority: form.priority! };
    case 'redirect':
      return { route: REDIRECT_DESTINATIONS[form.destination!].secondaryCare ? 'secondary-care-review' : 'redirected' };
    case 'return':
      return { route: 'returned' };
    case 'self-management':
      return { route: 'self-management' };
    case 'request-information':
      return { route: 'information-requested' };
  }
}

/** Reads the posted form into a decision, or the fields to correct. */
export function triageDecision(referral: Referral, form: Record<string, string>): ClinicalDecision | { issues: FieldIssue[] } {
  const parsed = parseForm(triageFormSchema, form);
  if ('issues' in parsed) return parsed;
  if (parsed.decision === 'request-information' && referral.source === 'self') {
    const message = 'This is a self-referral, so there is no referrer to ask. Phone the patient, or choose another decision.';
    return { issues: [{ path: 'decision', message }] };
  }
  const keepsMessage = parsed.decision === 'return' || parsed.decision === 'request-information';
  return {
    routing: triageRouting(parsed),
    set: {},
    outcome: {
      decision: parsed.decision,
      ...(parsed.decision === 'accept' ? { service: parsed.service, priority: parsed.priority } : {}),
      ...(parsed.decision === 'redirect' ? { destination: parsed.destination } : {}),
      ...(keepsMessage ? { message: parsed.reason } : {}),
    },
    detail: { decision: parsed.decision, service: parsed.service, priority: parsed.priority, destination: parsed.destination },
    note: { reason: parsed.reason },
  };
}

/** The triage clock: when it started, its deadline, and what has been sent. */
export type TriageClock = Pick<Referral, 'receivedAt' | 'triageDueAt' | 'triageReminderSentAt' | 'triageBreachedAt'>;

const triageDeadline = (r: TriageClock): Deadline => ({
  startedAt: r.receivedAt,
  dueAt: r.triageDueAt,
  reminderSentAt: r.triageReminderSentAt,
  breachedAt: r.triageBreachedAt,
});

/**
 * How long (seconds, at least 1) the workflow should wait for a triage decision before its timer
 * must act next: until the reminder, then until the deadline, then a day at a time.
 */
export const nextTriageWaitSeconds = (referral: TriageClock, at: Date, reminderHours: number): number =>
  nextDeadlineWaitSeconds(triageDeadline(referral), at, reminderHours);

/** What the triage timer must do when it fires at `at`. */
export const triageActionDue = (referral: TriageClock, at: Date): DeadlineAction => deadlineActionDue(triageDeadline(referral), at);

export const triage: HumanStep = {
  kind: 'triage',
  waits: {
    state: 'AwaitTriage',
    statuses: ['awaiting_triage'],
    resumeInput: (r) => ({ triage: { timers: { nextInSeconds: nextTriageWaitSeconds(r, now(), config().TRIAGE_REMINDER_HOURS) } } }),
  },

  async open(referral, taskId) {
    const link = await taskLink(taskId);
    const email = staffEmails.triageNeeded({
      reference: referral.id,
      priority: referral.screening!.priority,
      dueAt: referral.triageDueAt,
      link,
    });
    await emailStaff(referral, 'triage-team', email, 'triage_team_emailed');
  },

  async timedOut(referral): Promise<TimerResult> {
    const params = {
      reference: referral.id,
      priority: referral.screening!.priority,
      dueAt: referral.triageDueAt,
      link: await taskLink(referral.openTask!.taskId),
    };
    return runDeadlineTimer(referral, {
      deadline: triageDeadline,
      reminderHours: config().TRIAGE_REMINDER_HOURS,
      team: 'triage-team',
      emails: {
        reminder: staffEmails.triageReminder(params),
        breach: staffEmails.triageBreached(params),
        stillOverdue: staffEmails.triageStillOverdue(params),
      },
      events: { reminder: 'triage_reminder_sent', breach: 'triage_sla_breached', stillOverdue: 'triage_still_overdue' },
      record: (_, sent) => ({
        ...(sent.reminderSentAt ? { triageReminderSentAt: sent.reminderSentAt } : {}),
        ...(sent.breachedAt ? { triageBreachedAt: sent.breachedAt } : {}),
      }),
      metric: 'TriageSlaBreached',
    });
  },

  decide: (task, referral, form, by) => recordClinicalDecision(task, referral, 'triage_decided', by, triageDecision(referral, form)),
};

/** A fresh triage clock from `at` (new information restarts the 24 hours). */
export function restartedTriageClock(at: Date): Pick<Referral, 'triageDueAt'> & { nextInSeconds: number } {
  const triageDueAt = new Date(at.getTime() + config().TRIAGE_SLA_HOURS * HOUR_MS).toISOString();
  const clock = { receivedAt: at.toISOString(), triageDueAt };
  return { triageDueAt, nextInSeconds: nextTriageWaitSeconds(clock, at, config().TRIAGE_REMINDER_HOURS) };
}
