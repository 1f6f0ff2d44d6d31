/**
 * Patient-reported outcome measures (PROMs) and the Friends and Family Test, as data: each
 * questionnaire is its items, their answer options, its scoring rule and its version, shaped so
 * that it maps one to one onto a FHIR `Questionnaire` (and the answers onto a
 * `QuestionnaireResponse`, see questionnaire-fhir.ts). Answers are stored with the version they
 * were given against; scoring is a pure function of the two. No imports beyond zod and types, so
 * that the figures can read the measures' directions and thresholds without bundling a page.
 *
 * Wording: the pain scale, the Patient-Specific Functional Scale (PSFS) and the global rating of
 * change are free to use, and their wording here is our own plain English. The FFT question and its
 * six answers are NHS England's own, published for every service to use as written. The MSK-HQ is
 * licensed: only its structure and scoring are here (14 items, each 0 to 4, total 0 to 56, higher
 * is better), and a service holding the licence loads its wording (`mskHqWording`; README).
 */
import * as z from 'zod';

import type { SmsTemplateName } from './sms.js';
import { MEASURE_IDS, type MeasureId, type Timepoint, TIMEPOINTS } from './vocabulary.js';

export { MEASURE_IDS, type MeasureId, type Timepoint, TIMEPOINTS };

/**
 * The texts that carry each timepoint's link: a patient is invited when one of them went (the
 * figures' response rates are of these), not when the link was made.
 */
export const INVITATION_TEXTS = {
  baseline: ['acknowledgementAndQuestionnaire', 'questionnaireBaseline'],
  'follow-up': ['questionnaireFollowUp'],
} as const satisfies Record<Timepoint, readonly SmsTemplateName[]>;

export type QuestionnaireId = MeasureId | 'fft';

export interface AnswerOption {
  code: string;
  display: string;
  /** The option's value in the score (absent: not scored, e.g. FFT's "Don't know"). */
  score?: number;
}

export type QuestionnaireItem =
  | { linkId: string; type: 'choice'; text: string; options: AnswerOption[] }
  /** A whole number on a scale, shown as radio buttons with the ends labelled. */
  | { linkId: string; type: 'integer'; text: string; min: number; max: number; minLabel: string; maxLabel: string }
  /** Free text: kept as a note, which the retention rule removes with the patient's details. */
  | { linkId: string; type: 'string'; text: string; maxLength: number; hint?: string };

/**
 * How a questionnaire is scored. `sum`: every listed item answered, else no score. `mean`: the mean
 * of the listed items answered (at least one), to one decimal place. `value`: one item's value.
 */
export type ScoringRule =
  { kind: 'sum'; items: string[] } | { kind: 'mean'; items: string[] } | { kind: 'value'; item: string } | { kind: 'none' };

export interface Questionnaire {
  id: QuestionnaireId;
  /** Canonical URL and business version, as FHIR's Questionnaire.url and .version. */
  url: string;
  version: string;
  title: string;
  /** What the patient reads first (the recall period, what the answers are for). */
  intro: string;
  items: QuestionnaireItem[];
  scoring: ScoringRule;
  /** Which way is better, and the change that counts as meaningful unless the service sets its own. */
  higherIsBetter?: boolean;
  meaningfulChange?: number;
  /** Asked at these timepoints. */
  timepoints: readonly Timepoint[];
}

const CANONICAL = 'https://msk-pathway.nhs.example/fhir/Questionnaire';

const scale = (linkId: string, text: string, minLabel: string, maxLabel: string): QuestionnaireItem => ({
  linkId,
  type: 'integer',
  text,
  min: 0,
  max: 10,
  minLabel,
  maxLabel,
});

/** Pain on a 0 to 10 numeric rating scale; lower is better; 2 points is the change usually taken as meaningful. */
export const PAIN: Questionnaire = {
  id: 'pain',
  url: `${CANONICAL}/pain`,
  version: '1',
  title: 'Pain',
  intro: 'Think about the problem you were referred for.',
  items: [
    scale('pain', 'Over the last week, how bad has your pain been on average?', '0 is no pain', '10 is the worst pain you can imagine'),
  ],
  scoring: { kind: 'value', item: 'pain' },
  higherIsBetter: false,
  meaningfulChange: 2,
  timepoints: TIMEPOINTS,
};

/**
 * The Patient-Specific Functional Scale: up to three activities the patient names, each rated 0
 * (cannot do it) to 10 (as well as before the problem); the score is their mean. At follow-up the
 * same activities are rated again (the page shows the baseline's names).
 */
export const PSFS: Questionnaire = {
  id: 'psfs',
  url: `${CANONICAL}/psfs`,
  version: '1',
  title: 'Activities you find hard',
  intro: 'Name up to 3 everyday activities your problem makes hard, and say how well you can do each one now.',
  items: [1, 2, 3].flatMap((n): QuestionnaireItem[] => [
    {
      linkId: `activity-${n}`,
      type: 'string',
      text: `Activity ${n}`,
      maxLength: 80,
      hint: n === 1 ? 'For example, climbing stairs' : undefined,
    },
    scale(`activity-${n}-score`, `How well can you do activity ${n} now?`, '0 is not at all', '10 is as well as before your problem'),
  ]),
  scoring: { kind: 'mean', items: ['activity-1-score', 'activity-2-score', 'activity-3-score'] },
  higherIsBetter: true,
  meaningfulChange: 2,
  timepoints: TIMEPOINTS,
};

/** A global rating of change, asked at follow-up only: +3 (much better) to -3 (much worse). */
export const GLOBAL_RATING_OF_CHANGE: Questionnaire = {
  id: 'groc',
  url: `${CANONICAL}/global-rating-of-change`,
  version: '1',
  title: 'How things have changed',
  intro: 'Compare now with when you were first referred.',
  items: [
    {
      linkId: 'change',
      type: 'choice',
      text: 'Overall, how is the problem you were referred for now?',
      options: [
        { code: 'much-better', display: 'Much better', score: 3 },
        { code: 'better', display: 'Better', score: 2 },
        { code: 'a-little-better', display: 'A little better', score: 1 },
        { code: 'same', display: 'About the same', score: 0 },
        { code: 'a-little-worse', display: 'A little worse', score: -1 },
        { code: 'worse', display: 'Worse', score: -2 },
        { code: 'much-worse', display: 'Much worse', score: -3 },
      ],
    },
  ],
  scoring: { kind: 'value', item: 'change' },
  higherIsBetter: true,
  // Better or much better counts as improved (a rating of change, not a change in a score).
  meaningfulChange: 2,
  timepoints: ['follow-up'],
};

/** NHS England's Friends and Family Test: the mandated question and its six answers, and a "why" in the patient's words. */
export const FRIENDS_AND_FAMILY_TEST: Questionnaire = {
  id: 'fft',
  url: `${CANONICAL}/friends-and-family-test`,
  version: '2020',
  title: 'Your experience',
  intro: 'Your answer is anonymous in what we publish.',
  items: [
    {
      linkId: 'experience',
      type: 'choice',
      text: 'Overall, how was your experience of our service?',
      options: [
        { code: 'very-good', display: 'Very good' },
        { code: 'good', display: 'Good' },
        { code: 'neither', display: 'Neither good nor poor' },
        { code: 'poor', display: 'Poor' },
        { code: 'very-poor', display: 'Very poor' },
        { code: 'dont-know', display: "Don't know" },
      ],
    },
    { linkId: 'why', type: 'string', text: 'Please tell us why you gave your answer', maxLength: 1000, hint: 'Do not include names.' },
  ],
  scoring: { kind: 'none' },
  timepoints: ['follow-up'],
};
export const FFT_ANSWERS = ['very-good', 'good', 'neither', 'poor', 'very-poor', 'dont-know'] as const;
export type FftAnswer = (typeof FFT_ANSWERS)[number];
/** Positive answers: the FFT's "% positive" is these out of every response, "Don't know" included. */
export const FFT_POSITIVE: readonly FftAnswer[] = ['very-good', 'good'];

export const MSK_HQ_ITEMS = 14;
/** What the MSK-HQ is as a measure, wording or not. 6 points is a starting point: services choose their own (MEANINGFUL_CHANGE). */
const MSK_HQ_MEASURE = { higherIsBetter: true, meaningfulChange: 6, timepoints: TIMEPOINTS } as const;

/**
 * A service's licensed MSK-HQ wording: the introduction, and for each of the 14 items its text and
 * five options with their scores (4 to 0, each once). Checked before it is used.
 */
export const mskHqWordingSchema = z.object({
  version: z.string().min(1).max(40),
  intro: z.string().min(1).max(500),
  items: z
    .array(
      z.object({
        text: z.string().min(1).max(300),
        options: z
          .array(z.object({ display: z.string().min(1).max(80), score: z.number().int().min(0).max(4) }))
          .length(5)
          .refine((options) => new Set(options.map((o) => o.score)).size === 5, 'each score 0 to 4 once'),
      }),
    )
    .length(MSK_HQ_ITEMS),
});
export type MskHqWording = z.infer<typeof mskHqWordingSchema>;

/** The MSK-HQ with a service's licensed wording: 14 items scored 0 to 4, summed (0 to 56), higher is better. */
export function mskHq(wording: MskHqWording): Questionnaire {
  const linkIds = Array.from({ length: MSK_HQ_ITEMS }, (_, i) => `item-${i + 1}`);
  return {
    id: 'msk-hq',
    url: `${CANONICAL}/msk-hq`,
    version: wording.version,
    title: 'Your muscles and joints',
    intro: wording.intro,
    items: wording.items.map((item, i) => ({
      linkId: linkIds[i]!,
      type: 'choice',
      text: item.text,
      options: item.options.map((o) => ({ code: String(o.score), display: o.display, score: o.score })),
    })),
    scoring: { kind: 'sum', items: linkIds },
    ...MSK_HQ_MEASURE,
  };
}

/** Answers as stored: a number for a scale, an option's code for a choice (free text is kept apart, as a note). */
export type Answers = Record<string, string | number>;

function valueOf(q: Questionnaire, linkId: string, answers: Answers): number | undefined {
  const item = q.items.find((i) => i.linkId === linkId);
  const answer = answers[linkId];
  if (!item || answer === undefined) return undefined;
  if (item.type === 'integer') return typeof answer === 'number' ? answer : undefined;
  if (item.type === 'choice') return item.options.find((o) => o.code === answer)?.score;
  return undefined;
}

/** The questionnaire's score for these answers, or undefined when the rule's items are not answered. */
export function score(q: Questionnaire, answers: Answers): number | undefined {
  const rule = q.scoring;
  if (rule.kind === 'none') return undefined;
  if (rule.kind === 'value') return valueOf(q, rule.item, answers);
  const values = rule.items.map((id) => valueOf(q, id, answers));
  const given = values.filter((v): v is number => v !== undefined);
  if (rule.kind === 'sum') return given.length === values.length ? given.reduce((a, b) => a + b, 0) : undefined;
  return given.length ? Math.round((10 * given.reduce((a, b) => a + b, 0)) / given.length) / 10 : undefined;
}

/**
 * The improvement from baseline to follow-up, in the measure's better direction (positive is
 * better), or undefined without both scores.
 */
export function improvement(q: Pick<Questionnaire, 'higherIsBetter'>, baseline?: number, followUp?: number): number | undefined {
  if (baseline === undefined || followUp === undefined) return undefined;
  const change = q.higherIsBetter ? followUp - baseline : baseline - followUp;
  return Math.round(change * 10) / 10;
}

export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * Reads a posted form's answers to one questionnaire, whose fields are named `<questionnaire
 * id>.<linkId>`. Every question is optional; an answer given must be one the question offers.
 * Free text comes back apart from the answers (it is stored as a note).
 */
export function readAnswers(
  q: Questionnaire,
  form: Record<string, string>,
): { answers: Answers; text: Record<string, string>; issues: FieldProblem[] } {
  const answers: Answers = {};
  const text: Record<string, string> = {};
  const issues: FieldProblem[] = [];
  for (const item of q.items) {
    const path = fieldName(q, item);
    const raw = (form[path] ?? '').trim();
    if (!raw) continue;
    if (item.type === 'string') {
      if (raw.length > item.maxLength) issues.push({ path, message: `${item.text} must be ${item.maxLength} characters or fewer` });
      else text[item.linkId] = raw;
    } else if (item.type === 'integer') {
      const n = /^-?\d{1,3}$/.test(raw) ? Number(raw) : NaN;
      if (!(n >= item.min && n <= item.max)) issues.push({ path, message: `Choose a number from ${item.min} to ${item.max}` });
      else answers[item.linkId] = n;
    } else if (!item.options.some((o) => o.code === raw)) issues.push({ path, message: 'Choose one of the answers' });
    else answers[item.linkId] = raw;
  }
  // A PSFS score means nothing without the activity it rates.
  if (q.id === 'psfs')
    for (const n of [1, 2, 3])
      if (answers[`activity-${n}-score`] !== undefined && !text[`activity-${n}`])
        issues.push({ path: `psfs.activity-${n}`, message: `Name activity ${n}, or leave its score blank` });
  return { answers, text, issues };
}

/** A question's field name in a form: the questionnaire's id and the item's. */
export const fieldName = (q: Pick<Questionnaire, 'id'>, item: Pick<QuestionnaireItem, 'linkId'>) => `${q.id}.${item.linkId}`;

/** A measure's meaningful change: the service's own (`MEANINGFUL_CHANGE`), else the measure's default. */
export function meaningfulChange(q: Pick<Questionnaire, 'id' | 'meaningfulChange'>, overrides: Partial<Record<string, number>>): number {
  return overrides[q.id] ?? q.meaningfulChange ?? 0;
}

type Measure = Pick<Questionnaire, 'id' | 'title' | 'higherIsBetter' | 'meaningfulChange' | 'timepoints'>;
const measureOf = ({ id, title, higherIsBetter, meaningfulChange, timepoints }: Questionnaire, shortTitle = title): Measure => ({
  id,
  title: shortTitle,
  higherIsBetter,
  meaningfulChange,
  timepoints,
});
/**
 * The measures' directions, default thresholds and timepoints, for the figures (the MSK-HQ's do not
 * depend on its wording; a measure asked at follow-up only has no pairs).
 */
export const MEASURES: Record<MeasureId, Measure> = {
  'msk-hq': { id: 'msk-hq', title: 'MSK-HQ', ...MSK_HQ_MEASURE },
  pain: measureOf(PAIN),
  psfs: measureOf(PSFS, 'PSFS'),
  groc: measureOf(GLOBAL_RATING_OF_CHANGE, 'Global rating of change'),
};

/**
 * The questionnaires asked at a timepoint, in the order the page shows them: the MSK-HQ first when
 * the service has loaded its wording, the FFT last (follow-up only).
 */
export function questionnairesAt(timepoint: Timepoint, wording?: MskHqWording): Questionnaire[] {
  const all = [...(wording ? [mskHq(wording)] : []), PAIN, PSFS, GLOBAL_RATING_OF_CHANGE, FRIENDS_AND_FAMILY_TEST];
  return all.filter((q) => q.timepoints.includes(timepoint));
}
