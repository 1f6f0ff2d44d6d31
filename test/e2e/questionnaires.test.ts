/**
 * Outcome measures and the Friends and Family Test, over HTTP against the local runtime at a day a
 * second: the baseline link rides on the acknowledgement, the follow-up and the FFT come after
 * discharge, each link answers once, and nothing about them can hold up the journey.
 */
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { now } from '../../shared/clock.js';
import { isSingleGsm7Fragment } from '../../shared/domain/sms.js';
import { withPatient } from '../support/fixtures.js';
import { until } from '../support/harness.js';
import { type LocalService, STAFF_TOKEN, startLocalService } from '../support/local-service.js';

const DAY = 86_400_000;
const WORDING = fileURLToPath(new URL('../support/msk-hq-test-wording.json', import.meta.url));
let svc: LocalService;

const smsTo = (mobile: string, match: RegExp, what: string) =>
  svc.message((m) => m.channel === 'sms' && m.to === mobile && match.test(m.body), what);
const linkIn = (text: string) => /(http:\/\/\S+\/a\/[\w-]+\.[\w-]+)/.exec(text)![1]!;
const post = (link: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(link, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
type Event = { type: string; detail?: Record<string, unknown>; note?: Record<string, string> };
const timeline = async (id: string): Promise<Event[]> =>
  ((await (await svc.admin('GET', `/audit/referrals/${id}`, undefined)).json()) as { timeline: Event[] }).timeline;
const statusIs = (id: string, wanted: string) =>
  until(async () => (await svc.status(id)).status === wanted, `${id} to be ${wanted}`, 30_000);
const mskHq = (score: number) => Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`msk-hq.item-${i + 1}`, String(score)]));

beforeAll(async () => {
  svc = await startLocalService({ speedup: 86_400, settings: { MSKHQ_WORDING_FILE: WORDING } });
});
afterAll(async () => {
  await svc?.stop();
});

describe('before treatment (baseline)', () => {
  it('rides on the acknowledgement, asks the MSK-HQ, pain and PSFS, and checks every answer field by field', async () => {
    const mobile = '+447700900301';
    const id = await svc.referAndGetId(withPatient({ mobile: '07700 900301' }));
    const text = await smsTo(mobile, /has your referral/, 'the acknowledgement');
    expect(text.body).toMatch(/tell us how you are: http/);
    expect(isSingleGsm7Fragment(text.body)).toBe(true);
    expect(text.body).not.toMatch(/back|pain|Jones|9434765919/i);
    const link = linkIn(text.body);

    const page = await (await fetch(link)).text();
    expect(page).toContain('How you are before treatment');
    expect(page).toContain('Test wording for item 14');
    expect(page).toContain('name="pain.pain"');
    expect(page).toContain('name="psfs.activity-1"');
    expect(page).not.toContain('Overall, how was your experience'); // the FFT is for after discharge
    expect(page).toContain('call 111');

    const refused = await post(link, { 'pain.pain': '11', 'psfs.activity-2-score': '4', 'msk-hq.item-1': '9' });
    expect(refused.status).toBe(400);
    const body = await refused.text();
    expect(body).toContain('There is a problem');
    expect(body).toContain('Choose a number from 0 to 10');
    expect(body).toContain('Name activity 2, or leave its score blank');
    expect(body).toContain('href="#msk-hq.item-1-4"'); // its first answer
    expect((await post(link, {})).status).toBe(400);
    expect((await timeline(id)).some((e) => e.type === 'questionnaire_answered')).toBe(false);

    const answered = await post(link, {
      ...mskHq(2),
      'pain.pain': '7',
      'psfs.activity-1': 'Climbing stairs',
      'psfs.activity-1-score': '3',
      'psfs.activity-2': 'Gardening',
      'psfs.activity-2-score': '4',
    });
    expect(answered.status).toBe(200);
    expect(await answered.text()).toContain('Thank you for your answers');
    const event = (await timeline(id)).find((e) => e.type === 'questionnaire_answered')!;
    // MSK-HQ: 14 items at 2 = 28; PSFS: (3 + 4) / 2 = 3.5.
    expect(event.detail).toEqual({
      timepoint: 'baseline',
      scores: { 'msk-hq': 28, pain: 7, psfs: 3.5 },
      versions: { 'msk-hq': 'test-1', pain: '1', psfs: '1' },
    });
    expect(event.note).toEqual({ 'psfs.activity-1': 'Climbing stairs', 'psfs.activity-2': 'Gardening' });

    // Single use: the same answers again, or opening it again, are refused without a second record.
    expect((await post(link, { 'pain.pain': '1' })).status).toBe(409);
    expect((await fetch(link)).status).toBe(409);
    expect((await timeline(id)).filter((e) => e.type === 'questionnaire_answered')).toHaveLength(1);
  }, 30_000);

  it('closes when the referral closes without treatment, and refuses a cross-site post and an altered link', async () => {
    const mobile = '+447700900302';
    const id = await svc.referAndGetId(withPatient({ mobile: '07700 900302' }));
    const link = linkIn((await smsTo(mobile, /has your referral/, 'the acknowledgement')).body);
    expect((await post(link, { 'pain.pain': '5' }, { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await post(link, { 'pain.pain': '5' }, { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    const altered = link.slice(0, -1) + (link.endsWith('A') ? 'B' : 'A');
    expect((await fetch(altered)).status).toBe(404);
    expect((await post(altered, { 'pain.pain': '5' })).status).toBe(404);

    await svc.submit(await svc.linkFor(id), { decision: 'return', clinician: 'Jo Physio', reason: 'See your GP for an injection.' });
    await statusIs(id, 'returned_to_referrer');
    const closed = await fetch(link);
    expect(closed.status).toBe(410);
    expect(await closed.text()).toContain('This questionnaire has closed');
    expect((await post(link, { 'pain.pain': '5' })).status).toBe(410);
    expect((await timeline(id)).some((e) => e.type === 'questionnaire_answered')).toBe(false);
  }, 30_000);
});

describe('after discharge (follow-up and the Friends and Family Test)', () => {
  it('texts the follow-up after discharge, shows the activities named at baseline, and records the FFT by clinic', async () => {
    const mobile = '+447700900303';
    const id = await svc.referAndGetId(withPatient({ mobile: '07700 900303' }));
    const baseline = linkIn((await smsTo(mobile, /has your referral/, 'the acknowledgement')).body);
    expect((await post(baseline, { 'pain.pain': '8', 'psfs.activity-1': 'Walking the dog', 'psfs.activity-1-score': '2' })).status).toBe(
      200,
    );

    // Slots from now: at a day a second, slots loaded when the file started are past by now.
    await svc.loadClinic('test-clinic', { count: 40, firstInMs: 4 * DAY, everyMs: 10 * 3_600_000 });
    await svc.submit(await svc.linkFor(id), { decision: 'accept', clinician: 'Jo Physio', service: 'physiotherapy', priority: 'routine' });
    const booking = linkIn((await smsTo(mobile, /book your/, 'the booking invitation')).body);
    const slot = [...(await (await fetch(booking)).text()).matchAll(/name="slot" type="radio" value="([^"]+)"/g)]
      .map((m) => m[1]!)
      .find((s) => Date.parse(s.split('#')[1]!) > now().getTime() + 3 * DAY)!;
    expect((await post(booking, { action: 'book', slot })).status).toBe(200);
    // The baseline closes when treatment starts; the outcome is asked for after the appointment.
    const outcomeEmail = await svc.message((m) => m.to === 'clinic-team' && m.body.includes(id), 'the outcome request');
    expect((await fetch(baseline)).status).toBe(409); // answered already: "used" outranks "closed"
    await svc.submit(/(http:\/\/\S+\/tasks\/\S+)/.exec(outcomeEmail.body)![1]!, {
      decision: 'attended-discharged',
      clinician: 'Pat Clinic',
    });
    await statusIs(id, 'attended_discharged');

    const text = await smsTo(mobile, /how are you now, and how were we\?/, 'the follow-up invitation');
    expect(isSingleGsm7Fragment(text.body)).toBe(true);
    const link = linkIn(text.body);
    expect(link).not.toBe(baseline);
    const page = await (await fetch(link)).text();
    expect(page).toContain('How you are now, and your experience');
    expect(page).toContain('<strong>Activity 1:</strong> Walking the dog');
    expect(page).not.toContain('name="psfs.activity-1"');
    // Sending the page untouched (or with only a renamed activity) is not an answer: the link stays open.
    for (const untouched of [{}, { 'psfs.activity-1': 'Running' }] as Record<string, string>[]) {
      const refused = await post(link, untouched);
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain('Answer at least one question');
    }
    expect(page).toContain('Overall, how was your experience of our service?');
    expect(page).toContain('Don&#39;t know');
    expect(page).toContain('Overall, how is the problem you were referred for now?');

    expect((await post(link, { 'fft.experience': 'brilliant' })).status).toBe(400);
    const answered = await post(link, {
      'pain.pain': '3',
      'psfs.activity-1': 'Running', // ignored: activity 1 is the one named at baseline
      'psfs.activity-1-score': '7',
      'groc.change': 'better',
      'fft.experience': 'very-good',
      'fft.why': 'Kind staff, and the exercises worked.',
    });
    expect(answered.status).toBe(200);
    const events = await timeline(id);
    expect(events.find((e) => e.type === 'questionnaire_invited' && e.detail?.timepoint === 'follow-up')?.detail).toEqual({
      timepoint: 'follow-up',
      questionnaires: ['msk-hq', 'pain', 'psfs', 'groc', 'fft'],
      clinic: 'Test Clinic',
    });
    const event = events.find((e) => e.type === 'questionnaire_answered' && e.detail?.timepoint === 'follow-up')!;
    expect(event.detail).toEqual({
      timepoint: 'follow-up',
      scores: { pain: 3, psfs: 7, groc: 2 },
      versions: { pain: '1', psfs: '1', groc: '1', fft: '2020' },
      fft: 'very-good',
      clinic: 'Test Clinic',
    });
    expect(event.note).toEqual({ 'psfs.activity-1': 'Walking the dog', 'fft.why': 'Kind staff, and the exercises worked.' });
    await until(() => svc.runtime.workflow.execution(id)?.status === 'SUCCEEDED', 'the workflow to end');
  }, 60_000);
});

describe('the figures (after the journeys above)', () => {
  it('counts these answers on /metrics and the dashboard, exactly', async () => {
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const period = `from=${day(now().getTime() - 90 * DAY)}&to=${day(now().getTime() + DAY)}`;
    const report = (await (await svc.admin('GET', `/metrics?${period}`, undefined)).json()) as any;
    const { outcomeMeasures: measures, friendsAndFamilyTest: fft } = report.overall;
    // Three referrals, all invited at baseline (the MSK-HQ's wording is loaded): the first answered
    // everything, the second nothing (returned to its GP), the third pain and PSFS, then its
    // follow-up after discharge: pain 8 → 3, PSFS 2 → 7, "better", and "very good".
    expect(measures.pain).toMatchObject({
      baseline: { count: 2, of: 3, percent: 66.7 },
      followUp: { count: 1, of: 1, percent: 100 },
      paired: { count: 1, of: 1 },
      meanChange: 5,
      meaningfullyImproved: { count: 1, of: 1 },
    });
    expect(measures.psfs).toMatchObject({ baseline: { count: 2, of: 3 }, meanChange: 5, meaningfullyImproved: { count: 1, of: 1 } });
    expect(measures['msk-hq']).toMatchObject({ baseline: { count: 1, of: 3 }, followUp: { count: 0, of: 1 }, meanChange: null });
    expect(measures.groc).toMatchObject({ followUp: { count: 1, of: 1 }, meaningfullyImproved: { count: 1, of: 1 } });
    expect(fft).toMatchObject({ count: 1, of: 1, percent: 100, invited: 1, targetPercent: 90, metTarget: true });
    expect(report.clinics).toEqual([expect.objectContaining({ clinic: 'Test Clinic', count: 1, of: 1 })]);

    const dashboard = await (await fetch(`${svc.url}/dashboard?${period}`, { headers: { Authorization: `Bearer ${STAFF_TOKEN}` } })).text();
    expect(dashboard).toContain('Outcomes and experience');
    // Free text stays on the timeline: never in the figures.
    expect(dashboard).not.toContain('Kind staff');
    expect(JSON.stringify(report)).not.toContain('Walking the dog');
  }, 30_000);
});
