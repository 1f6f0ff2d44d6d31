/**
 * The referral contract GP systems code against (POST /referrals), and the stored shape.
 * Every rule lives in the schema so that a bad request is refused field by field, before any write.
 */
import * as z from 'zod';

import { now } from '../clock.js';
import type { SURGERY_FITNESS, SURGERY_WISH } from './choices.js';
import { isValidNhsNumber, normaliseNhsNumber } from './nhs-number.js';
import type { Timepoint } from './questionnaires.js';
import type { ServiceId } from './screening.js';
import { typedText } from './text.js';
import { normaliseUkMobile, normaliseUkPhone } from './uk-mobile.js';

export const BODY_SITES = [
  'neck',
  'upper-back',
  'lower-back',
  'shoulder',
  'elbow',
  'wrist-hand',
  'hip',
  'knee',
  'foot-ankle',
  'multiple-joints',
] as const;
export type BodySite = (typeof BODY_SITES)[number];

/** Red-flag answers a referrer can report; what each one means clinically is in screening.ts. */
export const RED_FLAGS = [
  'bladder-or-bowel-dysfunction',
  'saddle-anaesthesia',
  'progressive-leg-weakness',
  'history-of-cancer',
  'unexplained-weight-loss',
  'fever-or-infection-risk',
  'recent-trauma',
  'inflammatory-symptoms',
] as const;
export type RedFlag = (typeof RED_FLAGS)[number];

const MAX_AGE_YEARS = 130;

/** A field's type error: "is required" when it is missing, else `message`. */
const requiredOr = (message: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : message);

// Names are one line; a summary may have line breaks. Neither may hide or reorder what a clinician reads.
const text = (max: number, multiline = false) => typedText({ max, multiline, typeError: requiredOr('must be a string') });

const nhsNumber = z.string({ error: requiredOr('must be a string of 10 digits') }).transform((value, ctx) => {
  const digits = normaliseNhsNumber(value);
  if (!digits) {
    ctx.addIssue({ code: 'custom', message: 'must be 10 digits (spaces allowed as 3-3-4)' });
    return z.NEVER;
  }
  if (!isValidNhsNumber(digits)) {
    ctx.addIssue({ code: 'custom', message: 'is not a valid NHS number (the Modulus 11 check digit does not match)' });
    return z.NEVER;
  }
  return digits;
});

const dateOfBirth = z.iso.date({ error: requiredOr('must be a date in the form YYYY-MM-DD') }).superRefine((value, ctx) => {
  const today = now().toISOString().slice(0, 10);
  if (value > today) ctx.addIssue({ code: 'custom', message: 'must not be in the future' });
  const oldest = `${Number(today.slice(0, 4)) - MAX_AGE_YEARS}${today.slice(4)}`;
  if (value < oldest) ctx.addIssue({ code: 'custom', message: `must be within the last ${MAX_AGE_YEARS} years` });
});

const mobile = z.string({ error: requiredOr('must be a string') }).transform((value, ctx) => {
  const e164 = normaliseUkMobile(value);
  if (!e164) {
    ctx.addIssue({ code: 'custom', message: 'must be a UK mobile number, such as 07700 900123 (landlines cannot receive texts)' });
    return z.NEVER;
  }
  return e164;
});

const phone = z.string({ error: requiredOr('must be a string') }).transform((value, ctx) => {
  const e164 = normaliseUkPhone(value);
  if (!e164) {
    ctx.addIssue({ code: 'custom', message: 'must be a UK telephone number, such as 01632 960000' });
    return z.NEVER;
  }
  return e164;
});

// UK postcode, outward and inward parts; normalised to upper case with one space.
const POSTCODE = /^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$/;
const postcode = z.string({ error: requiredOr('must be a string') }).transform((value, ctx) => {
  const match = POSTCODE.exec(value.trim().toUpperCase().replace(/\s+/g, ' '));
  if (!match) {
    ctx.addIssue({ code: 'custom', message: 'must be a UK postcode, such as PR7 1AA' });
    return z.NEVER;
  }
  return `${match[1]} ${match[2]}`;
});

// ODS organisation codes: a GP practice is a letter and five digits (P81001); other
// organisations use 3 to 6 letters and digits.
const odsCode = z
  .string({ error: requiredOr('must be a string') })
  .transform((s) => s.trim().toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9]{3,6}$/, { error: 'must be an ODS code of 3 to 6 letters and digits, such as P81001' }));

const referrer = z.strictObject({
  odsCode,
  name: text(100),
  email: z.email({ error: requiredOr('must be an email address') }).max(254, { error: 'must be at most 254 characters' }),
});

const patient = z.strictObject({
  nhsNumber,
  givenName: text(60),
  familyName: text(60),
  dateOfBirth,
  mobile: mobile.optional(),
  /** Another number to phone the patient on (a landline, say): called, never texted. */
  phone: phone.optional(),
  postcode,
});

const complaint = z.strictObject({
  bodySite: z.enum(BODY_SITES, { error: `must be one of: ${BODY_SITES.join(', ')}` }),
  summary: text(2000, true),
  durationWeeks: z
    .number({ error: requiredOr('must be a number of weeks') })
    .int({ error: 'must be a whole number of weeks' })
    .min(0, { error: 'must not be negative' })
    .max(5200, { error: 'must be at most 5200 weeks' }),
  painScore: z
    .number({ error: requiredOr('must be a number from 0 to 10') })
    .int({ error: 'must be a whole number from 0 to 10' })
    .min(0, { error: 'must be from 0 to 10' })
    .max(10, { error: 'must be from 0 to 10' }),
});

export const referralRequestSchema = z
  .strictObject(
    {
      source: z.enum(['gp', 'self'], { error: requiredOr('must be "gp" or "self"') }),
      referrer: referrer.optional(),
      patient,
      complaint,
      redFlags: z
        .array(z.enum(RED_FLAGS, { error: `must be one of: ${RED_FLAGS.join(', ')}` }), {
          error: requiredOr('must be a list of red flags'),
        })
        .max(RED_FLAGS.length, { error: 'lists more red flags than exist' })
        .refine((flags) => new Set(flags).size === flags.length, { error: 'must not repeat a red flag' }),
    },
    { error: 'the body must be a JSON object' },
  )
  // `when` runs this check even if other fields failed, so that one response names every problem.
  .refine((value) => value.source !== 'gp' || value.referrer !== undefined, {
    path: ['referrer'],
    error: 'is required when source is "gp"',
    when: (payload) => (payload.value as { source?: unknown })?.source === 'gp',
  })
  .refine((value) => value.source !== 'self' || value.referrer === undefined, {
    path: ['referrer'],
    error: 'must be left out when source is "self"',
    when: (payload) => (payload.value as { source?: unknown })?.source === 'self',
  });

export type ReferralRequest = z.output<typeof referralRequestSchema>;

/** POST /referrals/{id}/information: the referrer's answer to the triage team's question. */
export const informationRequestSchema = z.strictObject(
  {
    // Shown to the triage clinician as typed: nothing hidden or reordered.
    information: typedText({ max: 5000, multiline: true, typeError: () => 'is required' }),
  },
  { error: 'the body must be a JSON object' },
);

import type { EventType, ReferralStatus, Route, TaskKind } from './vocabulary.js';

export type Priority = 'emergency' | 'urgent' | 'routine';

export interface Screening {
  priority: Priority;
  service: ServiceId;
  reasons: string[];
  /**
   * Where the journey starts (the service's FIRST_CONTACT_CALL setting): a first contact call, triage,
   * or, for a phone-first referral with no number to call, straight to booking. Absent on referrals
   * screened before calls existed: triage.
   */
  firstContact?: FirstContact;
}

export type FirstContact = 'call' | 'triage' | 'booking';

/** The first contact call: its 48-hour clock (as the triage clock), and the unanswered attempts so far. */
export interface FirstContactCall {
  dueAt: string;
  reminderSentAt?: string;
  breachedAt?: string;
  attempts: number;
  lastAttemptAt?: string;
}

export interface Referral extends ReferralRequest {
  id: string;
  status: ReferralStatus;
  /**
   * When the retention rule removed the patient's details and free text (closed referrals only):
   * from then on `patient` is absent, and only codes, times and the practice code remain.
   */
  personalDataRemovedAt?: string;
  /** The API client (OAuth client id) that sent it; only that client may read it back. */
  clientId: string;
  receivedAt: string;
  triageDueAt: string;
  updatedAt: string;
  /** Bumped by every change; writers condition on it so two cannot both win. */
  version: number;
  screening?: Screening;
  /** The human step the workflow is waiting on, if any. */
  openTask?: { kind: Exclude<TaskKind, 'questionnaire'>; taskId: string; patientLinkId?: string };
  triageReminderSentAt?: string;
  triageBreachedAt?: string;
  /** Phone-first referrals: the first contact call. */
  call?: FirstContactCall;
  /** When a call found that the number on the referral reaches someone else: no texts from then on. */
  wrongNumberAt?: string;
  /** The latest clinical decision, as the referrer may see it. */
  outcome?: Outcome;
  /** Booking: the window, how the patient is being asked, and the appointment once booked. */
  bookingWindowEnd?: string;
  bookingInvitedAt?: string;
  bookingChasersSent?: number;
  /** `patient`: texted a booking link; `staff`: on the booking team's worklist. */
  bookingChannel?: 'patient' | 'staff';
  booking?: Booking;
  /** The patient's link to see, change or cancel their appointment (a task id). */
  appointmentLinkId?: string;
  /** The patient's links to their questionnaires (patient link ids), one per timepoint, once invited. */
  questionnaireLinks?: Partial<Record<Timepoint, string>>;
  /** The appointment start a 48-hour reminder was sent for (a moved appointment gets its own). */
  reminderSentFor?: string;
  missedAppointments?: number;
  /** When the clinic last cancelled this referral's appointment (it was moved back to be rebooked). */
  clinicCancelledAt?: string;
  /** The status the journey stopped in (notification_failed, workflow_failed): where a retry goes back to. */
  stoppedFrom?: ReferralStatus;
  /** When it stopped, why (the error's name), and whether the service lead has been told (the failed execution is then done). */
  stoppedAt?: string;
  stopError?: string;
  stopAlerted?: boolean;
  /** How many times a person has retried a stopped journey (each retry is its own execution). */
  retries?: number;
}

export interface Booking {
  slotId: string;
  clinicId: string;
  clinicName: string;
  address: string;
  postcode: string;
  service: string;
  start: string;
  lengthMinutes: number;
  bookedAt: string;
}

export interface Outcome {
  decision: string;
  /** The signed-in person's name, and their id in the staff pool. */
  decidedBy: string;
  decidedById?: string;
  decidedAt: string;
  service?: string;
  priority?: Priority;
  destination?: string;
  /** Advice for the referrer, or the information asked of them. */
  message?: string;
  /** Surgery screening at senior review: the patient's wish and fitness (codes; what to optimise is a note). */
  surgery?: { wants: keyof typeof SURGERY_WISH; fit: keyof typeof SURGERY_FITNESS };
}

/**
 * What the state machine needs to route a decision: no names, no free text, so that execution
 * history never holds more than it must. The rest is recorded on the referral's timeline.
 */
export interface Routing {
  route: Route;
  /** With information-received: when the restarted triage clock next needs to act. */
  nextInSeconds?: number;
  service?: ServiceId;
  priority?: Exclude<Priority, 'emergency'>;
}

export interface ReferralEvent {
  type: EventType;
  at: string;
  actor: string;
  /** Codes, ids and times only: never free text or patient details (see `note`). */
  detail?: Record<string, unknown>;
  /** Free text written with the event, as read back on a timeline (until retention removes it). */
  note?: Record<string, string>;
}
