/**
 * A capacity forecast's scenario: the demand, the people and their rotas, the clinic timetable,
 * how patients behave, and the service's own settings, as a service manager would describe them.
 * Read from JSON or YAML and checked field by field; variants are changes merged onto the base.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';

import { DateTime } from 'luxon';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';

import { CONFIG_DEFAULTS, settingsIssues } from '../../shared/config.js';
import { CLINICIAN_TYPES } from '../../shared/domain/booking.js';
import { APPOINTMENT_OUTCOMES, CALL_OUTCOMES, DECISIONS, REDIRECT_DESTINATIONS } from '../../shared/domain/choices.js';
import { BODY_SITES } from '../../shared/domain/referral.js';
import { SERVICES } from '../../shared/domain/screening.js';

const share = z.number().min(0).max(1);
/** Weights by name; they need not add up to 1 (each is its share of the total). */
const weights = <K extends string>(keys: readonly [K, ...K[]]) =>
  z
    .partialRecord(z.enum(keys), z.number().min(0))
    .refine((w) => Object.values(w).some((v) => (v as number) > 0), { error: 'give at least one a weight above 0' });
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'a time like 09:00' });
const weekday = z.number().int().min(1).max(7);

/**
 * A duration in hours: a fixed number, or a spread given by its median and 90th centile (drawn from
 * a log-normal, the usual shape of "how long until people get round to it").
 */
export const hoursSchema = z.union([
  z.number().min(0),
  z
    .strictObject({ median: z.number().positive(), p90: z.number().positive() })
    .refine((d) => d.p90 >= d.median, { error: 'p90 must be at least the median', path: ['p90'] }),
]);
export type Hours = z.output<typeof hoursSchema>;

/** When someone works: days of the week (1 = Monday) and hours, UK time. */
const shiftSchema = z
  .strictObject({ days: z.array(weekday).min(1), start: time, end: time })
  .refine((s) => s.end > s.start, { error: 'the end must be after the start', path: ['end'] });

const teamSchema = z.strictObject({
  /** How many work the queue at once. */
  people: z.number().int().min(0),
  /** Minutes each item takes (fixed, or { median, p90 } in minutes). */
  minutesEach: hoursSchema,
  rota: z.array(shiftSchema).min(1),
});

const sessionSchema = z
  .strictObject({
    service: z.enum(Object.keys(SERVICES) as [keyof typeof SERVICES, ...(keyof typeof SERVICES)[]]),
    clinicianType: z.enum(CLINICIAN_TYPES),
    days: z.array(weekday).min(1),
    start: time,
    end: time,
    slotMinutes: z.number().int().min(5).max(240),
  })
  .refine((s) => s.end > s.start, { error: 'the end must be after the start', path: ['end'] });

const clinicSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,40}$/, { error: 'lower-case letters, digits and hyphens' }),
  name: z.string().min(1),
  address: z.string().min(1),
  postcode: z.string().min(1),
  sessions: z.array(sessionSchema).min(1),
});

const scenarioShape = z.strictObject({
  name: z.string().min(1),
  /** The simulated period's first day (a date, UK); the period runs `weeks` weeks from it. */
  start: z.iso.date().refine((d) => DateTime.fromISO(d).weekday === 1, { error: 'a Monday (the figures count weeks from Monday)' }),
  weeks: z.number().int().min(1).max(104),
  /** The same seed gives the same forecast. */
  seed: z.number().int().default(1),
  referrals: z.strictObject({
    /** Referrals a week by source, before the seasonal pattern. */
    perWeek: z.strictObject({ gp: z.number().min(0), self: z.number().min(0) }),
    /** Each month's demand against the average (12 numbers, January first). */
    seasonal: z.array(z.number().min(0)).length(12).optional(),
    /**
     * How arrivals spread over each day's referring hours: at random (a Poisson process, as
     * referrals arrive), or evenly spaced (for checking a forecast against waits worked out by hand).
     */
    pattern: z.enum(['random', 'even']).default('random'),
    /** Every week's volume times this (a variant's "demand +15%" is 1.15). */
    demand: z.number().min(0).default(1),
    /** Referrals with an urgent red flag (e.g. possible cancer), and with an emergency one (cauda equina). */
    urgentRate: share,
    emergencyRate: share,
    bodySites: weights(BODY_SITES),
    /** Share with symptoms for 12 weeks or more (spinal clinic for the spine) and with severe long pain (pain management). */
    longStandingRate: share.default(0.3),
    severeLongPainRate: share.default(0.05),
    /** Share of patients with a mobile number the service may text, and with a landline too. */
    mobileRate: share.default(0.95),
    landlineRate: share.default(0.2),
    /** GP practices referring (ODS codes are made up: P90001 onwards). */
    practices: z.number().int().min(1).max(500).default(40),
  }),
  staff: z.strictObject({
    /** Triage clinicians working the triage queue, oldest first. */
    triage: teamSchema,
    /** Physiotherapists making first contact calls (phone-first services), oldest first. */
    calls: teamSchema.optional(),
    /** Hours until a senior clinician reviews a referral proposed for secondary care. */
    seniorReviewHours: hoursSchema.default({ median: 24, p90: 72 }),
    /** Hours after an appointment until the clinic records its outcome. */
    outcomeRecordedHours: hoursSchema.default({ median: 2, p90: 24 }),
  }),
  triage: z.strictObject({
    /** What triage decides (redirect: to a community service; secondary care goes through senior review). */
    decisions: weights(
      Object.keys(DECISIONS).filter((d) => d !== 'request-information') as ['accept', 'redirect', 'return', 'self-management'],
    ),
    /** Of redirections, the share to secondary care (a senior clinician confirms them). */
    secondaryCareRate: share.default(0.3),
    /** Of secondary care proposals, the share the senior clinician confirms. */
    seniorConfirmRate: share.default(0.6),
  }),
  calls: z
    .strictObject({
      /** Chance that one attempt reaches the patient. */
      answerRate: share,
      /** Chance that an attempt finds the number wrong. */
      wrongNumberRate: share.default(0.01),
      /** Minutes an unanswered attempt takes. */
      unansweredMinutes: z.number().min(0).default(3),
      outcomes: weights(
        Object.keys(CALL_OUTCOMES).filter((o) => o !== 'emergency') as ['self-management', 'book', 'triage', 'senior-review', 'declined'],
      ),
    })
    .optional(),
  patients: z.strictObject({
    /** Hours from the booking text until the patient books. */
    bookAfterHours: hoursSchema,
    /** Share who never book (chased, then returned as unable to contact). */
    neverBookRate: share,
    /** Share who do not attend their appointment. */
    didNotAttendRate: share,
    /** Share who cancel their appointment through their link, and how many days before it. */
    cancelRate: share,
    cancelDaysBefore: z.number().min(0).default(2),
  }),
  /** What the clinic records after an appointment the patient attended. */
  appointments: z.strictObject({
    outcomes: weights(
      Object.keys(APPOINTMENT_OUTCOMES).filter((o) => o !== 'did-not-attend') as [
        'attended-discharged',
        'attended-follow-up',
        'onward-referral',
      ],
    ),
  }),
  clinics: z.array(clinicSchema).min(1),
  /**
   * The service's tunables (CONFIG_DEFAULTS: TRIAGE_SLA_HOURS, ROUTINE_WINDOW_DAYS, FIRST_CONTACT_CALL…),
   * checked by the service's own rules (settingsIssues: the runtime's schema, reminders before
   * targets). Some (BOOKING_CHASER_DAYS, BOOKING_GIVE_UP_DAYS…) are not yet deployment settings: a
   * forecast of them models a change to the code's defaults.
   */
  settings: z
    .partialRecord(z.enum(Object.keys(CONFIG_DEFAULTS) as [SettingName, ...SettingName[]]), z.union([z.string(), z.number()]))
    .superRefine((settings, ctx) => {
      for (const { key, message } of settingsIssues(settingsAsEnv(settings))) ctx.addIssue({ code: 'custom', message, path: [key] });
    })
    .default({}),
  /** Other versions of this scenario to compare, each a name and the changes from the base. */
  variants: z.array(z.strictObject({ name: z.string().min(1), changes: z.record(z.string(), z.unknown()) })).default([]),
});

export const scenarioSchema = scenarioShape.superRefine((s, ctx) => {
  // Referrals that start with a call need the calls' behaviour and the people who make them.
  const callsFor = String(s.settings.FIRST_CONTACT_CALL ?? CONFIG_DEFAULTS.FIRST_CONTACT_CALL).split(',');
  if (!callsFor.some((source) => source.trim())) return;
  if (!s.calls)
    ctx.addIssue({
      code: 'custom',
      path: ['calls'],
      message: 'settings.FIRST_CONTACT_CALL starts referrals with a call: say how calls go',
    });
  if (!s.staff.calls)
    ctx.addIssue({
      code: 'custom',
      path: ['staff', 'calls'],
      message: 'settings.FIRST_CONTACT_CALL starts referrals with a call: say who makes them',
    });
});

export type Scenario = z.output<typeof scenarioSchema>;
type SettingName = keyof typeof CONFIG_DEFAULTS;

/** The settings as the service's environment holds them. */
export const settingsAsEnv = (settings: Partial<Record<string, string | number>>): Record<string, string> =>
  Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)]));

export const REDIRECT_COMMUNITY = Object.entries(REDIRECT_DESTINATIONS)
  .filter(([, d]) => !d.secondaryCare)
  .map(([k]) => k);
export const REDIRECT_SECONDARY = Object.entries(REDIRECT_DESTINATIONS)
  .filter(([, d]) => d.secondaryCare)
  .map(([k]) => k);

/** A scenario that does not read: every problem with the field it is in. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
  constructor(
    readonly file: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(`${file}:\n${issues.map((i) => `  ${i.path || '(the file)'}: ${i.message}`).join('\n')}`);
  }
}

const pathOf = (path: PropertyKey[]) =>
  path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');

export function parseScenario(raw: unknown, file = 'scenario'): Scenario {
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success)
    throw new ScenarioError(
      file,
      parsed.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message })),
    );
  // Each variant must make a valid scenario too; its problems are named with the variant's path.
  parsed.data.variants.forEach((variant, i) => {
    const merged = scenarioSchema.safeParse(merge(raw, variant.changes));
    if (!merged.success)
      throw new ScenarioError(
        file,
        merged.error.issues.map((issue) => ({ path: `variants[${i}].changes.${pathOf(issue.path)}`, message: issue.message })),
      );
  });
  return parsed.data;
}

export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ScenarioError(file, [{ path: '', message: `cannot be read (${(error as NodeJS.ErrnoException).code})` }]);
  }
  let raw: unknown;
  try {
    raw = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ScenarioError(file, [
      { path: '', message: `is not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}` },
    ]);
  }
  return parseScenario(raw, file);
}

/** The base scenario with a variant's changes merged in (objects merged key by key; the rest replaced). */
export function variantOf(base: Scenario, changes: Record<string, unknown>): Scenario {
  return scenarioSchema.parse({ ...(merge(base, changes) as Record<string, unknown>), variants: [] });
}

function merge(base: unknown, changes: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(changes)) return changes;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(changes)) out[k] = merge(base[k], v);
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
