/**
 * Runtime configuration, read once from the environment and checked with zod. CDK sets these on
 * each Lambda from context values; the local runtime sets them from its own environment/defaults.
 */
import { z } from 'zod';

const configSchema = z.object({
  TABLE_NAME: z.string().min(1),
  STATE_MACHINE_ARN: z.string().min(1).optional(),
  /** The name patients see in texts, e.g. "Central Lancashire MSK Service"; short enough for SMS. */
  SERVICE_NAME: z.string().min(1).max(40).default('MSK Service'),
  TRIAGE_SLA_HOURS: z.coerce.number().positive().default(24),
  /** How long an Idempotency-Key is remembered. */
  IDEMPOTENCY_TTL_HOURS: z.coerce.number().positive().default(24),
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
