/** The questionnaire engine: scoring rules, reading a posted form, the MSK-HQ's wording check, and the FHIR shape. */
import { readFileSync } from 'node:fs';

import { Fhir } from 'fhir';
import { describe, expect, it } from 'vitest';

import { SCORING_EXTENSION, toFhirQuestionnaire, toQuestionnaireResponse } from '../../shared/domain/questionnaire-fhir.js';
import {
  FRIENDS_AND_FAMILY_TEST,
  GLOBAL_RATING_OF_CHANGE,
  improvement,
  meaningfulChange,
  MEASURES,
  mskHq,
  mskHqWordingSchema,
  PAIN,
  PSFS,
  questionnairesAt,
  readAnswers,
  score,
} from '../../shared/domain/questionnaires.js';
import type { Referral } from '../../shared/domain/referral.js';

const wording = mskHqWordingSchema.parse(JSON.parse(readFileSync(new URL('../support/msk-hq-test-wording.json', import.meta.url), 'utf8')));
const MSK_HQ = mskHq(wording);
const allItems = (value: number) => Object.fromEntries(MSK_HQ.items.map((item) => [item.linkId, String(value)]));

describe('scoring', () => {
  it('sums the MSK-HQ: 14 items each 0 to 4, 0 to 56, and no score with an item unanswered', () => {
    expect(score(MSK_HQ, allItems(0))).toBe(0);
    expect(score(MSK_HQ, allItems(4))).toBe(56);
    expect(score(MSK_HQ, { ...allItems(2), 'item-14': '4' })).toBe(13 * 2 + 4);
    const { ['item-7']: _, ...thirteen } = allItems(3);
    expect(score(MSK_HQ, thirteen)).toBeUndefined();
  });

  it('takes the mean of the PSFS activities rated, to one decimal place', () => {
    expect(score(PSFS, { 'activity-1-score': 3 })).toBe(3);
    expect(score(PSFS, { 'activity-1-score': 3, 'activity-2-score': 4 })).toBe(3.5);
    // (2 + 3 + 3) / 3 = 2.666... → 2.7
    expect(score(PSFS, { 'activity-1-score': 2, 'activity-2-score': 3, 'activity-3-score': 3 })).toBe(2.7);
    expect(score(PSFS, {})).toBeUndefined();
  });

  it('reads pain and the global rating of change as their values; the FFT has no score', () => {
    expect(score(PAIN, { pain: 0 })).toBe(0);
    expect(score(PAIN, {})).toBeUndefined();
    expect(score(GLOBAL_RATING_OF_CHANGE, { change: 'much-worse' })).toBe(-3);
    expect(score(GLOBAL_RATING_OF_CHANGE, { change: 'better' })).toBe(2);
    expect(score(FRIENDS_AND_FAMILY_TEST, { experience: 'good' })).toBeUndefined();
  });

  it('measures improvement in the better direction: pain falling, function rising', () => {
    expect(improvement(PAIN, 7, 3)).toBe(4);
    expect(improvement(PAIN, 3, 7)).toBe(-4);
    expect(improvement(MSK_HQ, 20, 32)).toBe(12);
    expect(improvement(PSFS, 2.7, 6.3)).toBe(3.6);
    expect(improvement(PAIN, undefined, 3)).toBeUndefined();
  });

  it('uses a service’s own meaningful change when it sets one, else the measure’s', () => {
    expect(meaningfulChange(PAIN, {})).toBe(2);
    expect(meaningfulChange(PAIN, { pain: 3 })).toBe(3);
    expect(MEASURES['msk-hq'].meaningfulChange).toBe(MSK_HQ.meaningfulChange);
    for (const q of [PAIN, PSFS, GLOBAL_RATING_OF_CHANGE, MSK_HQ])
      expect(MEASURES[q.id as keyof typeof MEASURES]).toMatchObject({
        higherIsBetter: q.higherIsBetter,
        meaningfulChange: q.meaningfulChange,
      });
  });
});

describe('reading a posted form', () => {
  it('takes answers field by field, keeps free text apart, and leaves unanswered questions out', () => {
    expect(readAnswers(PSFS, { 'psfs.activity-1': ' Climbing stairs ', 'psfs.activity-1-score': '3', 'pain.pain': '4' })).toEqual({
      answers: { 'activity-1-score': 3 },
      text: { 'activity-1': 'Climbing stairs' },
      issues: [],
    });
    expect(readAnswers(PAIN, {})).toEqual({ answers: {}, text: {}, issues: [] });
  });

  it('refuses a number off the scale, an option not offered, over-long text, and a score without its activity', () => {
    expect(readAnswers(PAIN, { 'pain.pain': '11' }).issues).toEqual([{ path: 'pain.pain', message: 'Choose a number from 0 to 10' }]);
    for (const bad of ['-1', '2.5', 'seven', '1e1', '0x3'])
      expect(readAnswers(PAIN, { 'pain.pain': bad }).issues.map((i) => i.path)).toEqual(['pain.pain']);
    expect(readAnswers(FRIENDS_AND_FAMILY_TEST, { 'fft.experience': 'excellent' }).issues).toEqual([
      { path: 'fft.experience', message: 'Choose one of the answers' },
    ]);
    expect(readAnswers(FRIENDS_AND_FAMILY_TEST, { 'fft.why': 'x'.repeat(1001) }).issues.map((i) => i.path)).toEqual(['fft.why']);
    expect(readAnswers(PSFS, { 'psfs.activity-2-score': '5' }).issues).toEqual([
      { path: 'psfs.activity-2', message: 'Name activity 2, or leave its score blank' },
    ]);
    expect(readAnswers(MSK_HQ, { 'msk-hq.item-3': '5' }).issues.map((i) => i.path)).toEqual(['msk-hq.item-3']);
  });
});

describe('which questionnaires, and the MSK-HQ wording', () => {
  it('asks the MSK-HQ only with a service’s wording, the rating of change and the FFT only at follow-up', () => {
    expect(questionnairesAt('baseline').map((q) => q.id)).toEqual(['pain', 'psfs']);
    expect(questionnairesAt('follow-up').map((q) => q.id)).toEqual(['pain', 'psfs', 'groc', 'fft']);
    expect(questionnairesAt('baseline', wording).map((q) => q.id)).toEqual(['msk-hq', 'pain', 'psfs']);
    expect(MSK_HQ.version).toBe('test-1');
  });

  it('refuses wording that is not 14 items of five options scoring 4 to 0 once each', () => {
    expect(mskHqWordingSchema.safeParse({ ...wording, items: wording.items.slice(1) }).success).toBe(false);
    const repeated = structuredClone(wording);
    repeated.items[0]!.options[1]!.score = 4;
    const result = mskHqWordingSchema.safeParse(repeated);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(['items', 0, 'options']);
  });

  it('ships no MSK-HQ wording: the repository has its structure only', () => {
    const source = readFileSync(new URL('../../shared/domain/questionnaires.ts', import.meta.url), 'utf8');
    // The MSK-HQ's first item asks about pain or stiffness during the day; none of its wording is here.
    expect(source).not.toMatch(/stiffness during the day|walking or moving around|physical activity levels/i);
  });
});

describe('FHIR R4 shape', () => {
  const fhir = new Fhir();

  it('each questionnaire is a valid FHIR Questionnaire with its url, version and scoring rule', () => {
    for (const q of [...questionnairesAt('follow-up', wording), ...questionnairesAt('baseline', wording)]) {
      const resource = toFhirQuestionnaire(q);
      const result = fhir.validate(resource);
      expect(result.valid, `${q.id}: ${JSON.stringify(result.messages)}`).toBe(true);
      expect(resource.extension).toEqual([{ url: SCORING_EXTENSION, valueString: JSON.stringify(q.scoring) }]);
      expect(resource.item!.map((i) => i.linkId)).toEqual(q.items.map((i) => i.linkId));
    }
  });

  it('answers become a valid QuestionnaireResponse naming the questionnaire and its version', () => {
    const response = toQuestionnaireResponse(
      PSFS,
      { 'activity-1-score': 3 },
      { 'activity-1': 'Climbing stairs' },
      '2026-11-23T10:00:00.000Z',
      { reference: 'Patient/example' },
    );
    expect(fhir.validate(response).valid).toBe(true);
    expect(response.questionnaire).toBe(`${PSFS.url}|1`);
    expect(response.item).toEqual([
      { linkId: 'activity-1', text: 'Activity 1', answer: [{ valueString: 'Climbing stairs' }] },
      { linkId: 'activity-1-score', text: 'How well can you do activity 1 now?', answer: [{ valueInteger: 3 }] },
    ]);
    const fft = toQuestionnaireResponse(FRIENDS_AND_FAMILY_TEST, { experience: 'dont-know' }, {}, '2026-11-23T10:00:00.000Z');
    expect(fhir.validate(fft).valid).toBe(true);
    expect(fft.item![0]!.answer![0]!.valueCoding).toMatchObject({ code: 'dont-know', display: "Don't know" });
  });
});

describe('when a baseline closes', () => {
  it('stays open until treatment starts: a phone-first call that reached the patient closes it, one that did not does not', async () => {
    const { baselineStillOpen } = await import('../../shared/services/questionnaires.js');
    const waiting = { status: 'awaiting_call', call: { dueAt: '2026-11-25T09:00:00.000Z', attempts: 0 } } as never as Referral;
    expect(baselineStillOpen(waiting)).toBe(true);
    const outcome = (decision: string) => ({ decision, decidedBy: 'Pat Physio', decidedAt: '2026-11-24T09:00:00.000Z' });
    expect(baselineStillOpen({ ...waiting, status: 'accepted', outcome: outcome('not-reached') })).toBe(true);
    expect(baselineStillOpen({ ...waiting, status: 'awaiting_triage', outcome: outcome('call-triage') })).toBe(false);
    expect(baselineStillOpen({ ...waiting, status: 'closed_self_management', outcome: outcome('self-management') })).toBe(false);
    // Triage-first: open after triage accepts, until the first appointment's start.
    const accepted = { status: 'awaiting_booking', outcome: outcome('accept') } as never as Referral;
    expect(baselineStillOpen(accepted)).toBe(true);
    const booking = (start: Date) => ({ start: start.toISOString() }) as never;
    expect(baselineStillOpen({ ...accepted, status: 'booked', booking: booking(new Date(Date.now() + 3_600_000)) })).toBe(true);
    expect(baselineStillOpen({ ...accepted, status: 'booked', booking: booking(new Date(Date.now() - 1_000)) })).toBe(false);
  });
});
