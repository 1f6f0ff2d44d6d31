/**
 * Runtime configuration, read once from the environment and checked with zod. CDK sets these on
 * each Lambda from context values; the local runtime sets them from its own environment/defaults.
 */
import * as z from 'zod';

const configSchema = z.object({
  TABLE_NAME: z.string().min(1),
  STATE_MACHINE_ARN: z.string().min(1).optional(),
  /** The name patients see in texts, e.g. "Central Lancashire MSK Service"; short enough for SMS. */
  SERVICE_NAME: z.string().min(1).max(40).default('MSK Service'),
  TRIAGE_SLA_HOURS: z.coerce.number().positive().default(24),
  /** When the triage team is reminded, counted from the referral's arrival (before the SLA runs out). */
  TRIAGE_REMINDER_HOURS: z.coerce.number().positive().default(20),
  /** How long a staff link stays usable; re-sent links are extended. */
  TASK_LINK_DAYS: z.coerce.number().positive().default(14),
  /** Booking windows from acceptance: urgent patients seen within 5 days, routine within 4 weeks. */
  URGENT_WINDOW_DAYS: z.coerce.number().positive().default(5),
  ROUTINE_WINDOW_DAYS: z.coerce.number().positive().default(28),
  /** Days after the booking invitation: reminder texts, then unable to contact. */
  BOOKING_CHASER_DAYS: z
    .string()
    .default('3,7')
    .transform((s) => s.split(',').map(Number)),
  BOOKING_GIVE_UP_DAYS: z.coerce.number().positive().default(14),
  APPOINTMENT_REMINDER_HOURS: z.coerce.number().positive().default(48),
  /**
   * A referral's workflow stops waiting for people (triage, review, booking by the team, an
   * outcome) once the referral is this many days old: the service lead is told, and the referral is
   * marked workflow_failed for a person to carry on. Step Functions ends any execution after 365
   * days without telling anyone; 300 leaves room for the longest single wait after the last timer.
   */
  WORKFLOW_GIVE_UP_DAYS: z.coerce.number().positive().max(350).default(300),
  /**
   * Days after a referral closes before its personal data (patient details, names, free text) is
   * removed, leaving codes and times for the audit trail and the figures. Default 8 years, the NHS
   * Records Management Code's minimum for adult health records; a service sets its own policy.
   */
  PERSONAL_DATA_RETENTION_DAYS: z.coerce.number().positive().default(2922),
  /** How long an Idempotency-Key is remembered. */
  IDEMPOTENCY_TTL_HOURS: z.coerce.number().positive().default(24),
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
});

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

/** Forget the cached configuration (tests and the local runtime change the environment). */
export function resetConfig(): void {
  cached = undefined;
}

/** Largest request body accepted by the API, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;
