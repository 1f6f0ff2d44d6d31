/**
 * The deployment's settings, read from CDK context (`cdk.json` or `-c mskPathway:key=value`) and
 * checked before anything is synthesized. A configuration that cannot work in AWS (no sender, a
 * staff topic nobody is subscribed to, a custom URL the stack does not serve) is refused here,
 * naming every context value at fault, instead of deploying a service that drops messages.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import type { Node } from 'constructs';
import * as z from 'zod';

import { CONFIG_DEFAULTS as D, meaningfulChangeOf } from '../shared/config.js';
import { type MeasureId, mskHqWordingSchema } from '../shared/domain/questionnaires.js';
import type { StaffAudience } from '../shared/ports/notifier.js';

export const CONTEXT_PREFIX = 'mskPathway:';

/** The staff topic each context value subscribes its addresses to. */
export const AUDIENCE_CONTEXT: Record<StaffAudience, string> = {
  'triage-team': 'triageEmails',
  'service-lead': 'serviceLeadEmails',
  'senior-clinicians': 'seniorClinicianEmails',
  'booking-team': 'bookingTeamEmails',
  'clinic-team': 'clinicEmails',
};

const email = z.email({ error: (issue) => `"${String(issue.input)}" is not an email address` });
/** A list from `-c key=a@x,b@y` (a string) or from cdk.json (an array); blanks dropped. */
function listOf(value: unknown): unknown {
  const items = typeof value === 'string' ? value.split(',') : value == null ? [] : value;
  return Array.isArray(items) ? items.filter((item) => String(item).trim()) : items;
}
const emailList = z.preprocess(
  listOf,
  z
    .array(z.string().trim().pipe(email))
    .refine((list) => list.length > 0, 'at least one address is needed: nobody would receive these emails'),
);
/**
 * `name=url,name=url` (from `-c`) or an object (cdk.json): each referring system's callback URL; none
 * by default. A string starting with `{` is read as JSON.
 */
function callbackMap(value: unknown): unknown {
  if (value == null || value === '') return {};
  if (typeof value !== 'string') return value;
  if (value.trim().startsWith('{')) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return Object.fromEntries(
    value
      .split(',')
      .filter((pair) => pair.trim())
      .map((pair) => {
        const at = pair.indexOf('=');
        return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      }),
  );
}
const nameList = z.preprocess(
  listOf,
  z
    .array(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9-]{1,60}$/, 'client names are 1-60 letters, digits and hyphens (e.g. emis-p81001)'),
    )
    .refine((list) => new Set(list).size === list.length, 'client names must be unique')
    .refine((list) => list.length > 0, 'at least one referring system (e.g. emis-p81001): each gets its own Cognito app client'),
);
/** A list of known words from `-c key=a,b` or cdk.json (a string or an array); empty is allowed. */
const wordList = <const T extends string>(words: readonly T[], fallback: string) =>
  z.preprocess(
    (v) => listOf(v ?? fallback),
    z.array(
      z
        .string()
        .trim()
        .pipe(z.enum(words, { error: (i) => `"${String(i.input)}" is not one of ${words.join(', ')}` })),
    ),
  );
const number = (fallback: number) => z.coerce.number().positive().default(fallback);
/** Cognito's rule for hosted domain prefixes; "-staff" is added for the staff pool's. */
const domainPrefix = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,55}[a-z0-9])?$/, 'lowercase letters, digits and hyphens, 57 characters at most')
  .refine((p) => !/aws|amazon|cognito/.test(p), 'Cognito refuses prefixes containing "aws", "amazon" or "cognito"');

const contextSchema = z
  .object({
    serviceName: z.string().min(1).max(40, 'at most 40 characters (it goes in every SMS)').default(D.SERVICE_NAME),
    ...(Object.fromEntries(Object.values(AUDIENCE_CONTEXT).map((key) => [key, emailList])) as Record<string, typeof emailList>),
    senderEmail: z.preprocess(
      (v) => (typeof v === 'string' ? v.trim() : v) || undefined,
      z
        .string({ error: 'required: the SES identity (an address or a domain) that emails to referrers come from' })
        .regex(/^([^@\s]+@)?[a-z0-9.-]+\.[a-z]{2,}$/i, 'an email address or a domain, e.g. msk.referrals@example.nhs.uk'),
    ),
    /** False when the SES identity already exists in this account and region (made by hand or another stack). */
    createSenderIdentity: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).default(true),
    publicBaseUrl: z
      .string()
      .optional()
      .transform((u) => u || undefined)
      .pipe(
        z
          .url({ protocol: /^https$/, error: 'an https URL, e.g. https://msk.example.nhs.uk' })
          .refine((u) => /^https:\/\/[^/?#]+\/?$/.test(u), 'the host only (https://msk.example.nhs.uk): the API is mapped at its root')
          .transform((u) => u.replace(/\/$/, ''))
          .optional(),
      ),
    /** Optional Route 53 zone for the custom domain: the certificate is then validated and the record made automatically. */
    hostedZoneId: z.string().optional(),
    hostedZoneName: z.string().optional(),
    authDomainPrefix: z.preprocess((v) => v || undefined, domainPrefix.optional()),
    referrerClients: nameList,
    referrerCallbacks: z.preprocess(
      callbackMap,
      z.record(
        z.string(),
        z.url({
          protocol: /^https$/,
          error: 'an https URL, e.g. https://gp-system.example.com/msk/status (the events cross the internet)',
        }),
      ),
    ),
    triageSlaHours: number(D.TRIAGE_SLA_HOURS),
    triageReminderHours: number(D.TRIAGE_REMINDER_HOURS),
    urgentWindowDays: number(D.URGENT_WINDOW_DAYS),
    routineWindowDays: number(D.ROUTINE_WINDOW_DAYS),
    appointmentReminderHours: number(D.APPOINTMENT_REMINDER_HOURS),
    throttleRate: number(50),
    throttleBurst: number(100),
    wafRateLimit: z.coerce.number().int().min(10, 'AWS WAF needs at least 10').max(2_000_000_000).default(1000),
    selfReferralRateLimit: z.coerce.number().int().min(10, 'AWS WAF needs at least 10').max(2_000_000_000).default(20),
    personalDataRetentionDays: number(D.PERSONAL_DATA_RETENTION_DAYS),
    /** Phone-first: which sources (gp, self) and screened priorities (urgent, routine) start with a call. */
    firstContactCall: wordList(['gp', 'self'], D.FIRST_CONTACT_CALL),
    firstContactPriorities: wordList(['urgent', 'routine'], D.FIRST_CONTACT_PRIORITIES),
    firstContactHours: number(D.FIRST_CONTACT_HOURS),
    firstContactReminderHours: number(D.FIRST_CONTACT_REMINDER_HOURS),
    firstContactTargetPercent: z.coerce.number().min(0).max(100).default(D.FIRST_CONTACT_TARGET_PERCENT),
    /** Outcome measures: each one's meaningful change (`pain=2,msk-hq=7` from -c, or an object in cdk.json). */
    meaningfulChange: z.preprocess(
      (v) =>
        v && typeof v === 'object' && !Array.isArray(v)
          ? Object.entries(v)
              .map(([k, n]) => `${k}=${String(n)}`)
              .join(',')
          : v,
      z.string().default(D.MEANINGFUL_CHANGE).transform(meaningfulChangeOf),
    ),
    fftTargetPercent: z.coerce.number().min(0).max(100).default(D.FFT_TARGET_PERCENT),
    callAttempts: z.coerce.number().int().min(1).max(10).default(D.CALL_ATTEMPTS),
    callRetryHours: z.coerce.number().min(0).default(D.CALL_RETRY_HOURS),
    servicePhone: z
      .string()
      .regex(/^\+?[0-9 ]{6,20}$/, 'the number patients call the service on, digits and spaces, e.g. 01632 960000')
      .default(D.SERVICE_PHONE),
    /** Outcome measures: when patients are asked (baseline, follow-up; empty: never), and how long a link is open. */
    patientQuestionnaires: wordList(['baseline', 'follow-up'], D.PATIENT_QUESTIONNAIRES),
    questionnaireLinkDays: number(D.QUESTIONNAIRE_LINK_DAYS),
    /** A licensed MSK-HQ wording file (JSON, README), checked here and copied beside every function's code. */
    mskHqWordingFile: z
      .string()
      .optional()
      .transform((path) => path || undefined)
      .superRefine((path, ctx) => {
        const problem = path && mskHqWordingProblem(path);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .transform((path) => path && resolve(path)),
  })
  .refine((c) => c.firstContactReminderHours < c.firstContactHours, {
    path: ['firstContactReminderHours'],
    message: 'the reminder must come before the first contact target (firstContactHours)',
  })
  .refine((c) => !c.firstContactCall.length || c.servicePhone !== D.SERVICE_PHONE, {
    path: ['servicePhone'],
    message: "phone-first services text patients a number to call back: set the service's own (the default is a drama number)",
  })
  .refine((c) => Object.keys(c.referrerCallbacks).every((name) => c.referrerClients.includes(name)), {
    path: ['referrerCallbacks'],
    message: 'each callback is for a referring system named in referrerClients',
  })
  .refine((c) => c.triageReminderHours < c.triageSlaHours, {
    path: ['triageReminderHours'],
    message: 'the reminder must come before the triage target (triageSlaHours)',
  })
  .refine((c) => c.selfReferralRateLimit < c.wafRateLimit, {
    path: ['selfReferralRateLimit'],
    message: 'must be below wafRateLimit: the public form is held tighter than the API as a whole',
  })
  .refine((c) => !c.hostedZoneId === !c.hostedZoneName, {
    path: ['hostedZoneName'],
    message: 'hostedZoneId and hostedZoneName go together',
  })
  .refine((c) => !c.hostedZoneId || c.publicBaseUrl, {
    path: ['publicBaseUrl'],
    message: 'a hosted zone is for a custom domain: set it too',
  });

export interface MskPathwaySettings {
  /** The name patients see in texts (40 characters at most). */
  readonly serviceName: string;
  /** Addresses subscribed to each staff topic; none is empty. */
  readonly emails: Record<StaffAudience, string[]>;
  /** The SES identity (address or domain) that referrer emails come from. */
  readonly senderEmail: string;
  /** Whether the stack creates that identity (false when it exists already). @default true */
  readonly createSenderIdentity: boolean;
  /** A custom domain the stack serves the API on (`https://host`). @default the API Gateway stage URL */
  readonly publicBaseUrl?: string;
  /** Route 53 zone holding the custom domain, for automatic validation and the alias record. */
  readonly hostedZone?: { id: string; name: string };
  /** Cognito hosted domain prefix for tokens (the staff pool's adds "-staff"). @default derived from stack name and account */
  readonly authDomainPrefix?: string;
  /** One Cognito app client (client credentials) per GP system, by name. */
  readonly referrerClients: string[];
  /** Status sent back: the callback URL of each referring system that has one, by client name. @default none */
  readonly referrerCallbacks: Record<string, string>;
  readonly triageSlaHours: number;
  readonly triageReminderHours: number;
  readonly booking: { urgentWindowDays: number; routineWindowDays: number; reminderHours: number };
  readonly throttle: { rateLimit: number; burstLimit: number };
  /** WAF: requests one address may make in five minutes. */
  readonly wafRateLimit: number;
  /**
   * WAF: self-referral forms one address may post in five minutes (each makes a referral, triage
   * work and a text to the number given); below `wafRateLimit`.
   */
  readonly selfReferralRateLimit: number;
  /** Days after closure before a referral's personal data is removed (retention rule). */
  readonly personalDataRetentionDays: number;
  /** Outcome measures: when patients are asked, for how long, and the MSK-HQ's licensed wording (an absolute path) if any. */
  readonly questionnaires: { timepoints: string[]; linkDays: number; mskHqWordingFile?: string };
  /** Phone-first: which referrals start with a first contact call, its target and attempts (README). */
  readonly firstContact: {
    sources: string[];
    priorities: string[];
    hours: number;
    reminderHours: number;
    targetPercent: number;
    attempts: number;
    retryHours: number;
    servicePhone: string;
  };
  /** The outcome figures' thresholds: meaningful change per measure (others keep their defaults), the FFT's target. */
  readonly outcomes: { meaningfulChange: Partial<Record<MeasureId, number>>; fftTargetPercent: number };
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** Settings from raw context values (keys without the prefix); SettingsError naming each bad value. */
export function parseSettings(context: Record<string, unknown>): MskPathwaySettings {
  const parsed = contextSchema.safeParse(context);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${CONTEXT_PREFIX}${String(i.path[0] ?? '')}: ${i.message}`);
    throw new SettingsError(
      'MSK Pathway cannot be deployed with this configuration. Set these context values in cdk.json or with -c ' +
        `(see the README's deploy section):\n${[...new Set(problems)].join('\n')}`,
    );
  }
  const c = parsed.data as z.infer<typeof contextSchema> & Record<string, string[]>;
  return {
    serviceName: c.serviceName,
    emails: Object.fromEntries(Object.entries(AUDIENCE_CONTEXT).map(([audience, key]) => [audience, c[key]])) as Record<
      StaffAudience,
      string[]
    >,
    senderEmail: c.senderEmail,
    createSenderIdentity: c.createSenderIdentity,
    publicBaseUrl: c.publicBaseUrl,
    hostedZone: c.hostedZoneId && c.hostedZoneName ? { id: c.hostedZoneId, name: c.hostedZoneName } : undefined,
    authDomainPrefix: c.authDomainPrefix,
    referrerClients: c.referrerClients,
    referrerCallbacks: c.referrerCallbacks,
    triageSlaHours: c.triageSlaHours,
    triageReminderHours: c.triageReminderHours,
    booking: { urgentWindowDays: c.urgentWindowDays, routineWindowDays: c.routineWindowDays, reminderHours: c.appointmentReminderHours },
    throttle: { rateLimit: c.throttleRate, burstLimit: c.throttleBurst },
    wafRateLimit: c.wafRateLimit,
    selfReferralRateLimit: c.selfReferralRateLimit,
    personalDataRetentionDays: c.personalDataRetentionDays,
    firstContact: {
      sources: c.firstContactCall,
      priorities: c.firstContactPriorities,
      hours: c.firstContactHours,
      reminderHours: c.firstContactReminderHours,
      targetPercent: c.firstContactTargetPercent,
      attempts: c.callAttempts,
      retryHours: c.callRetryHours,
      servicePhone: c.servicePhone,
    },
    questionnaires: { timepoints: c.patientQuestionnaires, linkDays: c.questionnaireLinkDays, mskHqWordingFile: c.mskHqWordingFile },
    outcomes: { meaningfulChange: c.meaningfulChange, fftTargetPercent: c.fftTargetPercent },
  };
}

/** What is wrong with a wording file, or undefined if it can be used. */
function mskHqWordingProblem(path: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(resolve(path), 'utf8'));
  } catch (error) {
    return `${path} could not be read as JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  const parsed = mskHqWordingSchema.safeParse(json);
  return parsed.success ? undefined : `${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`;
}

/** Settings from the app's context (`cdk.json`, `-c`). */
export function settingsFromContext(node: Node): MskPathwaySettings {
  const keys = Object.keys(contextSchema.shape);
  return parseSettings(Object.fromEntries(keys.map((key) => [key, node.tryGetContext(`${CONTEXT_PREFIX}${key}`)])));
}
