/**
 * Clinician triage: the decisions a clinician can make, what status each leads to, and the SLA
 * timer maths. Pure functions; the services apply them.
 */
import * as z from 'zod';

import type { Priority, Referral, ReferralStatus } from './referral.js';
import { type ServiceId, SERVICES } from './screening.js';

export const DECISIONS = {
  accept: 'Accept',
  redirect: 'Redirect',
  return: 'Return to referrer',
  'self-management': 'Self-management',
  'request-information': 'Request information',
} as const;
export type DecisionKind = keyof typeof DECISIONS;

/** Where a referral can be redirected. Secondary care needs a senior clinician to confirm first. */
export const REDIRECT_DESTINATIONS = {
  'orthopaedic-surgery': { label: 'Secondary care: orthopaedic surgery', secondaryCare: true },
  'spinal-surgery': { label: 'Secondary care: spinal surgery', secondaryCare: true },
  'rheumatology-consultant': { label: 'Secondary care: consultant rheumatology', secondaryCare: true },
  'pain-clinic': { label: 'Secondary care: hospital pain clinic', secondaryCare: true },
  'falls-service': { label: 'Community falls service', secondaryCare: false },
  'mental-health-talking-therapies': { label: 'NHS Talking Therapies', secondaryCare: false },
} as const;
export type RedirectDestination = keyof typeof REDIRECT_DESTINATIONS;

export const PRIORITIES = { urgent: 'Urgent (seen within 5 days)', routine: 'Routine (seen within 4 weeks)' } as const;

const keysOf = <T extends object>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];

const clinicianName = z
  .string({ error: 'Enter your name' })
  .trim()
  .min(2, { error: 'Enter your name' })
  .max(100, { error: 'Name must be 100 characters or fewer' });
const reason = z.string().trim().max(2000, { error: 'Must be 2000 characters or fewer' });

/** The triage form, as posted by the decision page. */
export const triageFormSchema = z
  .object({
    decision: z.enum(keysOf(DECISIONS), { error: 'Choose a decision' }),
    clinician: clinicianName,
    reason: reason.default(''),
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

/** The senior clinician's answer before a referral goes on to secondary care. */
export const seniorReviewFormSchema = z
  .object({
    decision: z.enum(['confirm', 'decline'], { error: 'Choose confirm or decline' }),
    clinician: clinicianName,
    reason: reason.default(''),
    service: z.enum(keysOf(SERVICES), { error: 'Choose a community service' }).optional(),
    priority: z.enum(keysOf(PRIORITIES), { error: 'Choose a priority' }).optional(),
  })
  .superRefine((form, ctx) => {
    if (form.decision === 'decline' && !form.service)
      ctx.addIssue({ code: 'custom', path: ['service'], message: 'Choose a community service' });
    if (form.decision === 'decline' && !form.priority) ctx.addIssue({ code: 'custom', path: ['priority'], message: 'Choose a priority' });
  });
export type SeniorReviewForm = z.output<typeof seniorReviewFormSchema>;

/**
 * What the state machine needs to route a decision: no names, no free text, so that execution
 * history never holds more than it must. The rest is recorded on the referral's timeline.
 */
export interface Routing {
  route:
    | 'accepted'
    | 'redirected'
    | 'secondary-care-review'
    | 'returned'
    | 'self-management'
    | 'information-requested'
    | 'information-received'
    | 'referred-to-secondary-care'
    | 'booked'
    | 'attended-discharged'
    | 'attended-follow-up'
    | 'rebook'
    | 'closed-did-not-attend'
    | 'onward-referral';
  /** With information-received: when the restarted triage clock next needs to act. */
  nextInSeconds?: number;
  service?: ServiceId;
  priority?: Exclude<Priority, 'emergency'>;
}

export function triageOutcome(form: TriageForm): { status: ReferralStatus; routing: Routing } {
  switch (form.decision) {
    case 'accept':
      return { status: 'accepted', routing: { route: 'accepted', service: form.service!, priority: form.priority! } };
    case 'redirect':
      return REDIRECT_DESTINATIONS[form.destination!].secondaryCare
        ? { status: 'awaiting_senior_review', routing: { route: 'secondary-care-review' } }
        : { status: 'redirected', routing: { route: 'redirected' } };
    case 'return':
      return { status: 'returned_to_referrer', routing: { route: 'returned' } };
    case 'self-management':
      return { status: 'closed_self_management', routing: { route: 'self-management' } };
    case 'request-information':
      return { status: 'information_requested', routing: { route: 'information-requested' } };
  }
}

export function seniorReviewOutcome(form: SeniorReviewForm): { status: ReferralStatus; routing: Routing } {
  return form.decision === 'confirm'
    ? { status: 'referred_to_secondary_care', routing: { route: 'referred-to-secondary-care' } }
    : { status: 'accepted', routing: { route: 'accepted', service: form.service!, priority: form.priority! } };
}

export const APPOINTMENT_OUTCOMES = {
  'attended-discharged': 'Attended — discharged',
  'attended-follow-up': 'Attended — follow-up',
  'did-not-attend': 'Did not attend',
  'onward-referral': 'Onward referral',
} as const;

/** The clinic's record of an appointment. */
export const outcomeFormSchema = z.object({
  decision: z.enum(keysOf(APPOINTMENT_OUTCOMES), { error: 'Choose an outcome' }),
  clinician: clinicianName,
  reason: reason.default(''),
});
export type OutcomeForm = z.output<typeof outcomeFormSchema>;

/** A first missed appointment gets one new invitation; a second closes the referral. */
export function appointmentOutcome(form: OutcomeForm, missedBefore: number): { status: ReferralStatus; routing: Routing; missed: number } {
  switch (form.decision) {
    case 'attended-discharged':
      return { status: 'attended_discharged', routing: { route: 'attended-discharged' }, missed: missedBefore };
    case 'attended-follow-up':
      return { status: 'attended_follow_up', routing: { route: 'attended-follow-up' }, missed: missedBefore };
    case 'onward-referral':
      return { status: 'onward_referral', routing: { route: 'onward-referral' }, missed: missedBefore };
    case 'did-not-attend':
      return missedBefore === 0
        ? { status: 'awaiting_booking', routing: { route: 'rebook' }, missed: 1 }
        : { status: 'closed_did_not_attend', routing: { route: 'closed-did-not-attend' }, missed: missedBefore + 1 };
  }
}

const HOUR = 3_600_000;
export const DAY_SECONDS = 86_400;

export type TriageAction = 'reminder' | 'breach' | 'still-overdue' | 'none';

type TriageClock = Pick<Referral, 'receivedAt' | 'triageDueAt' | 'triageReminderSentAt' | 'triageBreachedAt'>;

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * How long (seconds, at least 1) the workflow should wait for a triage decision before its timer
 * must act next: until the reminder, then until the deadline, then a day at a time.
 */
export function nextTriageWaitSeconds(referral: TriageClock, now: Date, reminderHours: number): number {
  const t = now.getTime();
  const remindAt = Date.parse(referral.receivedAt) + reminderHours * HOUR;
  const dueAt = Date.parse(referral.triageDueAt);
  if (!referral.triageReminderSentAt && !referral.triageBreachedAt && t < remindAt && remindAt < dueAt) return seconds(remindAt - t);
  if (!referral.triageBreachedAt && t < dueAt) return seconds(dueAt - t);
  return DAY_SECONDS;
}

/** What the triage timer must do when it fires at `now`. */
export function triageActionDue(referral: TriageClock, now: Date): TriageAction {
  const dueAt = Date.parse(referral.triageDueAt);
  if (referral.triageBreachedAt) return 'still-overdue';
  if (now.getTime() >= dueAt) return 'breach';
  if (!referral.triageReminderSentAt) return 'reminder';
  return 'none';
}
