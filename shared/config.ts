/**
 * Runtime configuration, read once from the environment and checked with zod. CDK sets these on
 * each Lambda from context values; the local runtime sets them from its own environment/defaults.
 */
import * as z from 'zod';

import { DAY_SECONDS } from './domain/time.js';
import { MEASURE_IDS, type MeasureId } from './domain/vocabulary.js';

/**
 * Defaults for what a service may tune. One list, read by the runtime below and by the CDK
 * settings (infra/settings.ts), so that a deployment without a context value behaves exactly as
 * the local runtime does.
 */
export const CONFIG_DEFAULTS = {
  SERVICE_NAME: 'MSK Service',
  TRIAGE_SLA_HOURS: 24,
  TRIAGE_REMINDER_HOURS: 20,
  TASK_LINK_DAYS: 14,
  URGENT_WINDOW_DAYS: 5,
  ROUTINE_WINDOW_DAYS: 28,
  BOOKING_CHASER_DAYS: '3,7',
  BOOKING_GIVE_UP_DAYS: 14,
  APPOINTMENT_REMINDER_HOURS: 48,
  INFORMATION_WAIT_DAYS: 14,
  SENIOR_REVIEW_CHASE_DAYS: 3,
  OUTCOME_CHASE_DAYS: 2,
  WORKFLOW_GIVE_UP_DAYS: 300,
  PERSONAL_DATA_RETENTION_DAYS: 2922,
  IDEMPOTENCY_TTL_HOURS: 24,
  CLAIM_MINUTES: 30,
  TIMETABLE_WEEKS_AHEAD: 6,
  SELF_REFERRAL_TEXTS_PER_MOBILE_PER_DAY: 3,
  FIRST_CONTACT_CALL: '',
  // Urgent referrals keep triage's 24 hours unless a service adds them (and a call target to match).
  FIRST_CONTACT_PRIORITIES: 'routine',
  FIRST_CONTACT_HOURS: 48,
  FIRST_CONTACT_REMINDER_HOURS: 40,
  FIRST_CONTACT_TARGET_PERCENT: 90,
  // Each measure's own default (questionnaires.ts) unless a service names it.
  MEANINGFUL_CHANGE: '',
  FFT_TARGET_PERCENT: 90,
  CALL_ATTEMPTS: 3,
  CALL_RETRY_HOURS: 4,
  SERVICE_PHONE: '01632 960000',
  PATIENT_QUESTIONNAIRES: 'baseline,follow-up',
  QUESTIONNAIRE_LINK_DAYS: 28,
} as const;
const D = CONFIG_DEFAULTS;

/**
 * `measure=points,...` (e.g. `pain=2,msk-hq=7`) into each named measure's meaningful change; an
 * unknown measure or a value that is not a positive number is a configuration error naming it.
 * CDK's settings read the same (infra/settings.ts).
 */
export function meaningfulChangeOf(value: string, ctx: z.RefinementCtx): Partial<Record<MeasureId, number>> {
  const thresholds: Partial<Record<MeasureId, number>> = {};
  for (const pair of value.split(',').filter((p) => p.trim())) {
    const [name = '', points = ''] = pair.split('=').map((part) => part.trim());
    const n = /^\d+(\.\d+)?$/.test(points) ? Number(points) : NaN;
    if (!MEASURE_IDS.includes(name as MeasureId))
      ctx.addIssue({ code: 'custom', message: `"${name}" is not one of ${MEASURE_IDS.join(', ')}` });
    else if (!(n > 0)) ctx.addIssue({ code: 'custom', message: `${name}: "${points}" is not a positive number of points` });
    else thresholds[name as MeasureId] = n;
  }
  return thresholds;
}

const configSchema = z.object({
  TABLE_NAME: z.string().min(1),
  STATE_MACHINE_ARN: z.string().min(1).optional(),
  /** The name patients see in texts, e.g. "Central Lancashire MSK Service"; short enough for SMS. */
  SERVICE_NAME: z.string().min(1).max(40).default(D.SERVICE_NAME),
  TRIAGE_SLA_HOURS: z.coerce.number().positive().default(D.TRIAGE_SLA_HOURS),
  /** When the triage team is reminded, counted from the referral's arrival (before the SLA runs out). */
  TRIAGE_REMINDER_HOURS: z.coerce.number().positive().default(D.TRIAGE_REMINDER_HOURS),
  /** How long a staff link stays usable; re-sent links are extended. */
  TASK_LINK_DAYS: z.coerce.number().positive().default(D.TASK_LINK_DAYS),
  /** Booking windows from acceptance: urgent patients seen within 5 days, routine within 4 weeks. */
  URGENT_WINDOW_DAYS: z.coerce.number().positive().default(D.URGENT_WINDOW_DAYS),
  ROUTINE_WINDOW_DAYS: z.coerce.number().positive().default(D.ROUTINE_WINDOW_DAYS),
  /** Days after the booking invitation: reminder texts, then unable to contact. */
  BOOKING_CHASER_DAYS: z
    .string()
    .default(D.BOOKING_CHASER_DAYS)
    .transform((s) => s.split(',').map(Number))
    .refine((days) => days.every((d) => d > 0), { error: 'days as positive numbers, comma-separated: e.g. 3,7' }),
  BOOKING_GIVE_UP_DAYS: z.coerce.number().positive().default(D.BOOKING_GIVE_UP_DAYS),
  APPOINTMENT_REMINDER_HOURS: z.coerce.number().positive().default(D.APPOINTMENT_REMINDER_HOURS),
  /** How long a referrer has to answer a request for information before the referral is returned. */
  INFORMATION_WAIT_DAYS: z.coerce.number().positive().default(D.INFORMATION_WAIT_DAYS),
  /** How often the service lead is told of a senior review still waiting. */
  SENIOR_REVIEW_CHASE_DAYS: z.coerce.number().positive().default(D.SENIOR_REVIEW_CHASE_DAYS),
  /** How often the clinic is told of an appointment outcome still not recorded. */
  OUTCOME_CHASE_DAYS: z.coerce.number().positive().default(D.OUTCOME_CHASE_DAYS),
  /**
   * A referral's workflow stops waiting for people (triage, review, booking by the team, an
   * outcome) once the referral is this many days old: the service lead is told, and the referral is
   * marked workflow_failed for a person to carry on. Step Functions ends any execution after 365
   * days without telling anyone; 300 leaves room for the longest single wait after the last timer.
   */
  WORKFLOW_GIVE_UP_DAYS: z.coerce.number().positive().max(350).default(D.WORKFLOW_GIVE_UP_DAYS),
  /**
   * Days after a referral closes before its personal data (patient details, names, free text) is
   * removed, leaving codes and times for the audit trail and the figures. Default 8 years, the NHS
   * Records Management Code's minimum for adult health records; a service sets its own policy.
   */
  PERSONAL_DATA_RETENTION_DAYS: z.coerce.number().positive().default(D.PERSONAL_DATA_RETENTION_DAYS),
  /** How long a claim on a referral ("I am working on this one") lasts before others may take it. */
  CLAIM_MINUTES: z.coerce.number().positive().default(D.CLAIM_MINUTES),
  /** How far ahead timetable sessions make bookable slots (kept topped up daily). */
  TIMETABLE_WEEKS_AHEAD: z.coerce.number().int().positive().max(52).default(D.TIMETABLE_WEEKS_AHEAD),
  /**
   * Texts a day to one mobile number typed into the public self-referral form (the acknowledgement
   * or the go-to-A&E text). Beyond it the referral is still accepted and the text withheld, so the
   * form cannot be used to text a stranger again and again at the service's cost.
   */
  SELF_REFERRAL_TEXTS_PER_MOBILE_PER_DAY: z.coerce.number().int().positive().default(D.SELF_REFERRAL_TEXTS_PER_MOBILE_PER_DAY),
  /**
   * Which referrals start with a first contact call from a physiotherapist instead of triage: a
   * comma-separated list of sources (`gp`, `self`; empty: none), and of the screened priorities
   * that do (`urgent`, `routine`: e.g. routine only). An emergency never waits for a call.
   */
  FIRST_CONTACT_CALL: z
    .string()
    .default(D.FIRST_CONTACT_CALL)
    .transform((s, ctx) => listOf(s, ['gp', 'self'] as const, ctx)),
  FIRST_CONTACT_PRIORITIES: z
    .string()
    .default(D.FIRST_CONTACT_PRIORITIES)
    .transform((s, ctx) => listOf(s, ['urgent', 'routine'] as const, ctx)),
  /**
   * The first contact target: the call made within this many hours of the referral's arrival.
   * Calendar hours, as the triage target is (see the README), so a service open on weekdays only
   * sets 72 or 96 rather than the clock pretending weekends away.
   */
  FIRST_CONTACT_HOURS: z.coerce.number().positive().default(D.FIRST_CONTACT_HOURS),
  /** When the call team is reminded of a call not yet made, counted from arrival (before the target). */
  FIRST_CONTACT_REMINDER_HOURS: z.coerce.number().positive().default(D.FIRST_CONTACT_REMINDER_HOURS),
  /** The share of first contacts the service aims to make within FIRST_CONTACT_HOURS (the figure's target). */
  FIRST_CONTACT_TARGET_PERCENT: z.coerce.number().min(0).max(100).default(D.FIRST_CONTACT_TARGET_PERCENT),
  /**
   * The improvement that counts as meaningful, per outcome measure, where the service sets its own:
   * `msk-hq=6,pain=2,psfs=2,groc=2` (points of the measure's score; a measure left out keeps its default).
   */
  MEANINGFUL_CHANGE: z.string().default(D.MEANINGFUL_CHANGE).transform(meaningfulChangeOf),
  /** The Friends and Family Test's % positive the service aims for (the figure's target). */
  FFT_TARGET_PERCENT: z.coerce.number().min(0).max(100).default(D.FFT_TARGET_PERCENT),
  /** Unanswered calls before the patient is offered booking instead, and the least gap between them. */
  CALL_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(D.CALL_ATTEMPTS),
  CALL_RETRY_HOURS: z.coerce.number().min(0).default(D.CALL_RETRY_HOURS),
  /** The number patients call back on (it goes in the missed-call text). */
  SERVICE_PHONE: z
    .string()
    .regex(/^\+?[0-9 ]{6,20}$/, 'a telephone number of digits and spaces, e.g. 01632 960000')
    .default(D.SERVICE_PHONE),
  /**
   * When patients are asked for their outcome measures: at referral (`baseline`, riding on the
   * acknowledgement text) and after discharge (`follow-up`, with the Friends and Family Test). Empty: never.
   */
  PATIENT_QUESTIONNAIRES: z
    .string()
    .default(D.PATIENT_QUESTIONNAIRES)
    .transform((s, ctx) => listOf(s, ['baseline', 'follow-up'] as const, ctx)),
  /** How long a questionnaire's link stays open (a baseline's closes sooner, at the first appointment). */
  QUESTIONNAIRE_LINK_DAYS: z.coerce.number().positive().default(D.QUESTIONNAIRE_LINK_DAYS),
  /**
   * A service's licensed MSK-HQ wording (JSON, see README): the MSK-HQ is asked only when it is
   * set. A path; a relative one is read from beside the function's code (where CDK copies it).
   */
  MSKHQ_WORDING_FILE: z.string().min(1).optional(),
  /** How long an Idempotency-Key is remembered. */
  IDEMPOTENCY_TTL_HOURS: z.coerce.number().positive().default(D.IDEMPOTENCY_TTL_HOURS),
  /** Where links in emails and texts point: the API's public URL (no trailing slash). */
  PUBLIC_BASE_URL: z
    .string()
    .url()
    .transform((u) => u.replace(/\/+$/, ''))
    .default('http://localhost:3000'),
  /** Staff email topics (SNS); unset locally, where the outbox stands in. */
  TRIAGE_TOPIC_ARN: z.string().optional(),
  SERVICE_LEAD_TOPIC_ARN: z.string().optional(),
  SENIOR_CLINICIAN_TOPIC_ARN: z.string().optional(),
  BOOKING_TEAM_TOPIC_ARN: z.string().optional(),
  CLINIC_TEAM_TOPIC_ARN: z.string().optional(),
  /** The verified SES identity emails to one person (a referrer) are sent from. */
  SENDER_EMAIL: z.string().optional(),
  /** Secrets Manager secret holding the key that signs staff and patient links. */
  LINK_SECRET_ARN: z.string().optional(),
  /** Staff sign-in: the staff user pool, the dashboard's app client, and the hosted UI's base URL. */
  STAFF_POOL_ID: z.string().optional(),
  STAFF_CLIENT_ID: z.string().optional(),
  STAFF_AUTH_URL: z.string().url().optional(),
  /**
   * Status sent back: each referrer client's callback, as a JSON list of `{ clientId, name, url, secretArn }`
   * (CDK writes it from `mskPathway:referrerCallbacks`), and the queue that carries status changes to delivery.
   */
  REFERRER_CALLBACKS: z.string().optional(),
  CALLBACK_QUEUE_URL: z.string().optional(),
});

/** A comma-separated list of known words; an unknown one is a configuration error naming it. */
function listOf<const T extends string>(value: string, known: readonly T[], ctx: z.RefinementCtx): T[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  for (const item of items)
    if (!known.includes(item as T)) ctx.addIssue({ code: 'custom', message: `"${item}" is not one of ${known.join(', ')}` });
  return [...new Set(items)] as T[];
}

export type Config = z.infer<typeof configSchema>;

let cached: Config | undefined;

export function config(): Config {
  if (!cached) {
    const parsed = configSchema.safeParse(process.env);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`invalid configuration: ${problems}`);
    }
    cached = parsed.data;
  }
  return cached;
}

/**
 * What is wrong with these settings (a service's tunables, CONFIG_DEFAULTS's names), by name: empty
 * when none. The schema's rules, and the deployment's that each reminder comes before its target
 * (infra/settings.ts holds the same for CDK context).
 */
export function settingsIssues(settings: Record<string, string>): { key: string; message: string }[] {
  const parsed = configSchema.safeParse({ TABLE_NAME: 'settings-check', ...settings });
  const issues = parsed.success ? [] : parsed.error.issues.map((i) => ({ key: String(i.path[0] ?? ''), message: i.message }));
  // Checked beside the schema's own problems (each as given, or its default), so all are named at once.
  const hours = (name: keyof typeof CONFIG_DEFAULTS) => Number(settings[name] ?? CONFIG_DEFAULTS[name]);
  for (const [reminder, target] of [
    ['TRIAGE_REMINDER_HOURS', 'TRIAGE_SLA_HOURS'],
    ['FIRST_CONTACT_REMINDER_HOURS', 'FIRST_CONTACT_HOURS'],
  ] as const)
    if (hours(reminder) >= hours(target)) issues.push({ key: reminder, message: `the reminder must come before ${target}` });
  return issues;
}

/** Forget the cached configuration (tests and the local runtime change the environment). */
export function resetConfig(): void {
  cached = undefined;
}

/**
 * The waits the state machine reads by path (TimeoutSecondsPath) rather than as bare numbers:
 * ScreenReferral, the workflow's first state, returns them from this configuration.
 */
export function workflowWaits(): { seniorReviewSeconds: number; informationSeconds: number; outcomeSeconds: number } {
  const c = config();
  return {
    seniorReviewSeconds: Math.round(c.SENIOR_REVIEW_CHASE_DAYS * DAY_SECONDS),
    informationSeconds: Math.round(c.INFORMATION_WAIT_DAYS * DAY_SECONDS),
    outcomeSeconds: Math.round(c.OUTCOME_CHASE_DAYS * DAY_SECONDS),
  };
}

/** Largest request body accepted by the API, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;
