/**
 * Patients' questionnaires: outcome measures before treatment (baseline) and after discharge
 * (follow-up, with the Friends and Family Test), each behind the patient's own link. Answering is
 * optional: nothing in the journey waits for it, and a link that fails to go never stops one.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

import { now, nowIso } from '../clock.js';
import { config } from '../config.js';
import { newLinkId } from '../domain/links.js';
import {
  type Answers,
  type FftAnswer,
  type FieldProblem,
  type MeasureId,
  type MskHqWording,
  mskHqWordingSchema,
  type Questionnaire,
  questionnairesAt,
  readAnswers,
  score,
  type Timepoint,
} from '../domain/questionnaires.js';
import type { Referral, ReferralEvent } from '../domain/referral.js';
import { DAY_MS } from '../domain/time.js';
import { CLOSED_STATUSES } from '../domain/vocabulary.js';
import { ConcurrentChangeError } from '../store/errors.js';
import { changeReferral, getReferralWithTimeline, loadReferral } from '../store/referrals.js';
import { putResponse } from '../store/responses.js';
import { getTask, putNewTask, type Task, useTask } from '../store/tasks.js';
import { patientLink } from './links.js';

let loaded: { file?: string; wording?: MskHqWording } | undefined;

/** The service's licensed MSK-HQ wording (MSKHQ_WORDING_FILE), read and checked once per file; undefined without one. */
export function mskHqWording(): MskHqWording | undefined {
  const file = config().MSKHQ_WORDING_FILE;
  if (!loaded || loaded.file !== file) {
    if (!file) loaded = { file };
    else {
      const path = isAbsolute(file) ? file : join(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), file);
      const parsed = mskHqWordingSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
      if (!parsed.success)
        throw new Error(
          `invalid MSK-HQ wording in ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      loaded = { file, wording: parsed.data };
    }
  }
  return loaded.wording;
}

/** The questionnaires this service asks at a timepoint. */
export const questionnairesFor = (timepoint: Timepoint): Questionnaire[] => questionnairesAt(timepoint, mskHqWording());

/**
 * The patient's link to their questionnaire at a timepoint, made once: the invitation is recorded
 * with the link, so a retried text carries the same link. `clinic` (follow-up): where they were
 * seen, for the FFT's figures by clinic.
 */
export async function questionnaireLink(
  referral: Referral,
  timepoint: Timepoint,
  clinic?: string,
): Promise<{ referral: Referral; link: string }> {
  for (let attempt = 1; ; attempt++) {
    const existing = referral.questionnaireLinks?.[timepoint];
    if (existing) return { referral, link: await patientLink(existing) };
    const linkId = newLinkId();
    const at = nowIso();
    try {
      referral = await changeReferral(
        referral,
        {
          set: { questionnaireLinks: { ...referral.questionnaireLinks, [timepoint]: linkId } },
          event: {
            type: 'questionnaire_invited',
            at,
            actor: 'system:questionnaires',
            detail: { timepoint, questionnaires: questionnairesFor(timepoint).map((q) => q.id), ...(clinic ? { clinic } : {}) },
          },
        },
        putNewTask({
          taskId: newLinkId(),
          kind: 'questionnaire',
          timepoint,
          referralId: referral.id,
          token: '',
          createdAt: at,
          linkExpiresAt: new Date(now().getTime() + config().QUESTIONNAIRE_LINK_DAYS * DAY_MS).toISOString(),
          patientLinkId: linkId,
        }),
      );
      return { referral, link: await patientLink(linkId) };
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError) || attempt >= 4) throw error;
      referral = await loadReferral(referral.id);
    }
  }
}

/**
 * Whether a referral's patient is asked for a follow-up (and the FFT) as it closes with this
 * notice, and the clinic they were seen at: attended and discharged, or closed after advice on
 * the first contact call ("Telephone"). Advice given at triage, without speaking to the patient,
 * is not asked about.
 */
export async function followUpFor(referral: Referral, notice: string): Promise<{ clinic: string } | undefined> {
  if (!config().PATIENT_QUESTIONNAIRES.includes('follow-up')) return undefined;
  if (notice === 'attended-discharged') return { clinic: referral.booking?.clinicName ?? 'Unknown clinic' };
  if (notice !== 'self-management' || !referral.call) return undefined;
  const timeline = (await getReferralWithTimeline(referral.id))?.timeline ?? [];
  const decided = timeline.filter((e) => e.type === 'call_outcome_recorded' || e.type === 'triage_decided').at(-1);
  return decided?.type === 'call_outcome_recorded' && (decided.detail as { outcome?: string }).outcome === 'self-management'
    ? { clinic: 'Telephone' }
    : undefined;
}

/**
 * Whether a baseline questionnaire can still be answered: it is about before treatment, so it
 * closes when treatment starts (the first appointment's start, or a phone-first referral's call
 * reaching a clinical decision: the call is a telephone assessment), or when the referral closes.
 */
export function baselineStillOpen(referral: Referral): boolean {
  if ((CLOSED_STATUSES as readonly string[]).includes(referral.status)) return false;
  // A call that did not reach the patient (its outcome is `not-reached`) is no treatment.
  if (referral.call && referral.outcome && referral.outcome.decision !== 'not-reached') return false;
  return !(referral.booking && Date.parse(referral.booking.start) <= now().getTime());
}

/**
 * What a follow-up asks about besides its questions: the PSFS activities the patient named at
 * baseline (rated again, by the same names, which the page shows and does not let change), and the
 * clinic the invitation named (for the FFT by clinic).
 */
export async function questionnaireContext(task: Task): Promise<{ activities: Record<string, string>; clinic?: string }> {
  if (task.timepoint !== 'follow-up') return { activities: {} };
  const timeline = (await getReferralWithTimeline(task.referralId))?.timeline ?? [];
  const at = (type: string) => timeline.find((e) => e.type === type && (e.detail as { timepoint?: string }).timepoint === task.timepoint);
  const baseline = timeline.find(
    (e) => e.type === 'questionnaire_answered' && (e.detail as { timepoint?: string }).timepoint === 'baseline',
  );
  const activities = Object.fromEntries(Object.entries(baseline?.note ?? {}).filter(([key]) => key.startsWith('psfs.activity-')));
  return { activities, clinic: (at('questionnaire_invited')?.detail as { clinic?: string } | undefined)?.clinic };
}

export type AnswerResult =
  { state: 'answered'; referral: Referral } | { state: 'invalid-form'; issues: FieldProblem[] } | { state: 'used' | 'expired' };

/**
 * Stores a patient's answers: the codes and numbers in a response item, the free text as the
 * event's note, the scores on the timeline for the figures, and the link marked used, in one
 * transaction. Every question is optional, but an empty form is not an answer.
 */
export async function answerQuestionnaire(task: Task, referral: Referral, form: Record<string, string>): Promise<AnswerResult> {
  const timepoint = task.timepoint!;
  const questionnaires = questionnairesFor(timepoint);
  const { activities, clinic } = await questionnaireContext(task);
  // The baseline's activity names stand, whatever was posted, and only they are rated again (so the
  // change compares the same activities); they are not an answer in themselves.
  form = { ...form, ...activities };
  if (Object.keys(activities).length)
    for (const n of [1, 2, 3])
      if (!activities[`psfs.activity-${n}`]) {
        delete form[`psfs.activity-${n}`];
        delete form[`psfs.activity-${n}-score`];
      }
  const answers: Record<string, { version: string; answers: Answers }> = {};
  const note: Record<string, string> = {};
  const scores: Partial<Record<MeasureId, number>> = {};
  const issues: FieldProblem[] = [];
  for (const q of questionnaires) {
    const read = readAnswers(q, form);
    issues.push(...read.issues);
    const newText = Object.keys(read.text).filter((linkId) => !(`${q.id}.${linkId}` in activities));
    if (Object.keys(read.answers).length || newText.length) answers[q.id] = { version: q.version, answers: read.answers };
    for (const [linkId, text] of Object.entries(read.text)) note[`${q.id}.${linkId}`] = text;
    const value = score(q, read.answers);
    if (value !== undefined && q.id !== 'fft') scores[q.id] = value;
  }
  if (issues.length) return { state: 'invalid-form', issues };
  if (!Object.keys(answers).length) {
    const first = questionnaires[0]!;
    return { state: 'invalid-form', issues: [{ path: `${first.id}.${first.items[0]!.linkId}`, message: 'Answer at least one question' }] };
  }
  const fft = answers.fft?.answers.experience as FftAnswer | undefined;
  const at = nowIso();
  for (let attempt = 1; ; attempt++) {
    try {
      const event: ReferralEvent = {
        type: 'questionnaire_answered',
        at,
        actor: 'patient',
        detail: {
          timepoint,
          scores,
          versions: Object.fromEntries(Object.entries(answers).map(([id, a]) => [id, a.version])),
          ...(fft ? { fft } : {}),
          ...(clinic ? { clinic } : {}),
        },
      };
      const changed = await changeReferral(referral, { event, note }, [
        useTask(task, at),
        putResponse({ referralId: referral.id, timepoint, authored: at, answers }),
      ]);
      return { state: 'answered', referral: changed };
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError) || attempt >= 4) throw error;
      // The referral moved on meanwhile (the journey goes on), or the link was used in another tab.
      referral = await loadReferral(referral.id);
      if (referral.questionnaireLinks?.[timepoint] !== task.patientLinkId) return { state: 'expired' };
      const fresh = await getTask(task.taskId);
      if (fresh?.decidedAt) return { state: 'used' };
      if (!fresh || fresh.linkExpiresAt <= at || (timepoint === 'baseline' && !baselineStillOpen(referral))) return { state: 'expired' };
    }
  }
}
