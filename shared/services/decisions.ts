/**
 * Decisions made through links: resolving a link to its step, and recording a clinician's
 * decision exactly once. Opening a link only reads (mail scanners open links before people do);
 * only the form's POST acts, and only the first POST wins.
 */
import type { z } from 'zod';

import { now, nowIso } from '../clock.js';
import { type FieldIssue, fieldIssues } from '../domain/field-issues.js';
import { verifyLink } from '../domain/links.js';
import type { Outcome, Referral, ReferralStatus } from '../domain/referral.js';
import {
  appointmentOutcome,
  outcomeFormSchema,
  type Routing,
  seniorReviewFormSchema,
  seniorReviewOutcome,
  triageFormSchema,
  triageOutcome,
} from '../domain/triage.js';
import { logger } from '../logger.js';
import { adapters } from '../ports/index.js';
import { TaskNotWaitingError } from '../ports/workflow.js';
import { ConcurrentChangeError } from '../store/errors.js';
import { changeReferral, getReferral } from '../store/referrals.js';
import { claimTask, getTask, type Task } from '../store/tasks.js';
import { bookSlot, slotTaken, SlotUnavailableError } from './booking.js';

export type LinkState =
  | { state: 'invalid' } // not signed by us: tampered or made up
  | { state: 'unknown' } // signed, but no such step (removed after its retention)
  | { state: 'expired'; task: Task }
  | { state: 'used'; task: Task; referral: Referral }
  | { state: 'open'; task: Task; referral: Referral };

export async function resolveLink(signed: string): Promise<LinkState> {
  const key = await adapters().linkKeys.signingKey();
  const taskId = verifyLink(signed, key);
  if (!taskId) return { state: 'invalid' };
  const task = await getTask(taskId);
  // Staff links: the workflow's human steps. (Information has no link; appointments are patients'.)
  if (!task || task.kind === 'information' || task.kind === 'appointment') return { state: 'unknown' };
  const referral = await getReferral(task.referralId);
  if (!referral) return { state: 'unknown' };
  if (task.decidedAt) return { state: 'used', task, referral };
  if (task.linkExpiresAt <= nowIso()) return { state: 'expired', task };
  return { state: 'open', task, referral };
}

export type SubmitResult =
  | Exclude<LinkState, { state: 'open' }>
  | { state: 'invalid-form'; task: Task; referral: Referral; issues: FieldIssue[] }
  | { state: 'decided'; task: Task; referral: Referral };

const MAX_ATTEMPTS = 4;

/** Validates and records the decision posted through a link, then resumes the workflow. */
export async function submitDecision(signed: string, form: Record<string, string>): Promise<SubmitResult> {
  for (let attempt = 1; ; attempt++) {
    const link = await resolveLink(signed);
    if (link.state !== 'open') return link;
    const { task, referral } = link;
    if (task.kind === 'booking') {
      const booked = await bookForPatient(task, referral, form);
      if (booked === 'raced') continue;
      return booked;
    }
    const decision =
      task.kind === 'triage'
        ? decideTriage(referral, form)
        : task.kind === 'outcome'
          ? decideOutcome(referral, form)
          : decideSeniorReview(referral, form);
    if ('issues' in decision) return { state: 'invalid-form', task, referral, issues: decision.issues };

    const at = now().toISOString();
    const outcome: Outcome = { ...decision.outcome, decidedAt: at };
    try {
      const decided = await changeReferral(
        referral,
        {
          status: decision.status,
          set: task.kind === 'outcome' ? { missedAppointments: decision.missed } : { outcome },
          event: {
            type: EVENT_FOR[task.kind] ?? `${task.kind}_decided`,
            at,
            actor: `clinician:${outcome.decidedBy}`,
            detail: { ...decision.detail, linkId: task.taskId },
          },
          note: decision.note,
        },
        [claimTask(task, at, decision.routing)],
      );
      await resumeWorkflow(task, decision.routing);
      return { state: 'decided', task, referral: decided };
    } catch (error) {
      // Someone else changed the referral or the step (another click, a timer): look again.
      if (!(error instanceof ConcurrentChangeError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/**
 * The decision is recorded; hand the routing to the waiting step. If the step's wait had just
 * timed out, the workflow re-opens it, finds it decided, and follows the recorded routing.
 */
export async function resumeWorkflow(task: Task, routing: Routing): Promise<void> {
  try {
    await adapters().workflow.sendTaskSuccess(task.token, routing);
  } catch (error) {
    if (!(error instanceof TaskNotWaitingError)) throw error;
    logger.info('decision recorded while the step was between waits; the workflow will pick it up', { taskId: task.taskId });
  }
}

const EVENT_FOR: Partial<Record<Task['kind'], string>> = {
  triage: 'triage_decided',
  'senior-review': 'senior_review_decided',
  outcome: 'appointment_outcome_recorded',
};

/**
 * A booking made through a link (the booking team's, or the patient's own): the slot is taken
 * and the step claimed in one transaction, then the workflow resumes.
 */
export async function bookForPatient(
  task: Task,
  referral: Referral,
  form: Record<string, string>,
  actor?: string,
): Promise<SubmitResult | 'raced'> {
  const byStaff = actor === undefined;
  const name = form.clinician?.trim() ?? '';
  if (byStaff && name.length < 2)
    return { state: 'invalid-form', task, referral, issues: [{ path: 'clinician', message: 'Enter your name' }] };
  if (!form.slot) return { state: 'invalid-form', task, referral, issues: [{ path: 'slot', message: 'Choose an appointment' }] };
  const at = now().toISOString();
  const routing: Routing = { route: 'booked' };
  try {
    const booked = await bookSlot(referral, form.slot, actor ?? `staff:${name}`, [claimTask(task, at, routing)], { anyTime: byStaff });
    await resumeWorkflow(task, routing);
    return { state: 'decided', task, referral: booked };
  } catch (error) {
    if (error instanceof SlotUnavailableError) {
      return slotTaken(task, referral);
    }
    if (error instanceof ConcurrentChangeError) return 'raced';
    throw error;
  }
}

interface Decided {
  missed?: number;
  status: ReferralStatus;
  routing: Routing;
  outcome: Omit<Outcome, 'decidedAt'>;
  detail: Record<string, unknown>;
  /** The clinician's free text, kept beside the event (see ReferralChange.note). */
  note: { reason?: string };
}

function parse<S extends z.ZodType>(schema: S, form: Record<string, string>): z.output<S> | { issues: FieldIssue[] } {
  // Empty form fields mean "not chosen".
  const present = Object.fromEntries(Object.entries(form).filter(([, v]) => v !== ''));
  const result = schema.safeParse(present, { reportInput: true });
  return result.success ? result.data : { issues: fieldIssues(result.error) };
}

function decideTriage(referral: Referral, form: Record<string, string>): Decided | { issues: FieldIssue[] } {
  const parsed = parse(triageFormSchema, form);
  if ('issues' in parsed) return parsed;
  if (parsed.decision === 'request-information' && referral.source === 'self') {
    return {
      issues: [
        {
          path: 'decision',
          message: 'This is a self-referral, so there is no referrer to ask. Phone the patient, or choose another decision.',
        },
      ],
    };
  }
  const { status, routing } = triageOutcome(parsed);
  const keepsMessage = parsed.decision === 'return' || parsed.decision === 'request-information';
  return {
    status,
    routing,
    outcome: {
      decision: parsed.decision,
      decidedBy: parsed.clinician,
      ...(parsed.decision === 'accept' ? { service: parsed.service, priority: parsed.priority } : {}),
      ...(parsed.decision === 'redirect' ? { destination: parsed.destination } : {}),
      ...(keepsMessage ? { message: parsed.reason } : {}),
    },
    detail: {
      decision: parsed.decision,
      service: parsed.service,
      priority: parsed.priority,
      destination: parsed.destination,
    },
    note: { reason: parsed.reason },
  };
}

function decideOutcome(referral: Referral, form: Record<string, string>): Decided | { issues: FieldIssue[] } {
  const parsed = parse(outcomeFormSchema, form);
  if ('issues' in parsed) return parsed;
  const { status, routing, missed } = appointmentOutcome(parsed, referral.missedAppointments ?? 0);
  return {
    status,
    routing,
    missed,
    outcome: { decision: parsed.decision, decidedBy: parsed.clinician },
    detail: { outcome: parsed.decision, appointment: referral.booking?.start },
    note: { reason: parsed.reason },
  };
}

function decideSeniorReview(referral: Referral, form: Record<string, string>): Decided | { issues: FieldIssue[] } {
  const parsed = parse(seniorReviewFormSchema, form);
  if ('issues' in parsed) return parsed;
  const { status, routing } = seniorReviewOutcome(parsed);
  return {
    status,
    routing,
    outcome: {
      decision: parsed.decision === 'confirm' ? 'secondary-care-confirmed' : 'returned-to-community-care',
      decidedBy: parsed.clinician,
      ...(parsed.decision === 'confirm' ? { destination: referral.outcome?.destination } : {}),
      ...(parsed.decision === 'decline' ? { service: parsed.service, priority: parsed.priority } : {}),
    },
    detail: { decision: parsed.decision, service: parsed.service, priority: parsed.priority },
    note: { reason: parsed.reason },
  };
}
