/**
 * The dashboard, the figures API and the audit trail over a local run with real journeys: staff
 * only, figures matching what happened, CSV for spreadsheets, and the page in headless Chromium
 * (a screenshot is kept in test-artifacts/). Questionnaire answers are written to two timelines as
 * the patient pages write them, so that outcomes and the FFT show as they would.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { now } from '../../shared/clock.js';
import { ukDate } from '../../shared/domain/figures.js';
import type { ReferralEvent } from '../../shared/domain/referral.js';
import { ConcurrentChangeError } from '../../shared/store/errors.js';
import { changeReferral, getReferral } from '../../shared/store/referrals.js';
import { ARTIFACTS, launchChromium, violations } from '../support/browser.js';
import { validReferral, withPatient } from '../support/fixtures.js';
import { until } from '../support/harness.js';
import { type LocalService, STAFF_TOKEN, startLocalService, TOKEN } from '../support/local-service.js';

let svc: LocalService;
let browser: Browser;
const ids = { accepted: '', returned: '', emergency: '', waiting: '' };

const asStaff = (path: string, token = STAFF_TOKEN) => fetch(`${svc.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
const triage = async (id: string, form: Record<string, string>) =>
  expect((await svc.submit(await svc.linkFor(id), { clinician: 'Jo Physio', ...form })).status).toBe(200);
/** A questionnaire event on a timeline, as the patient pages write it (again, if the workflow wrote first). */
const recordAnswer = (id: string, type: ReferralEvent['type'], detail: Record<string, unknown>, note?: Record<string, string>) =>
  until(async () => {
    try {
      const event = { type, at: new Date().toISOString(), actor: 'patient', detail };
      return await changeReferral((await getReferral(id))!, { event, note });
    } catch (error) {
      if (error instanceof ConcurrentChangeError) return undefined;
      throw error;
    }
  }, `${type} recorded`);

beforeAll(async () => {
  svc = await startLocalService();
  await svc.loadClinic('dash-clinic', { count: 10, firstInMs: 2 * 86_400_000 });
  ids.accepted = await svc.referAndGetId(withPatient({ mobile: '07700 900601' }));
  ids.returned = await svc.referAndGetId(validReferral({ referrer: { odsCode: 'P82002', name: 'Dr B', email: 'b@example.nhs.uk' } }));
  ids.emergency = await svc.referAndGetId(validReferral({ redFlags: ['bladder-or-bowel-dysfunction'] }));
  ids.waiting = await svc.referAndGetId(validReferral());
  await triage(ids.accepted, { decision: 'accept', service: 'physiotherapy', priority: 'urgent', reason: 'Suits physio' });
  await triage(ids.returned, { decision: 'return', reason: 'Try NSAIDs first' });
  const invite = await svc.message((m) => m.to === '+447700900601' && /book your/.test(m.body), 'the invitation');
  const link = /(http:\/\/\S+\/a\/[\w-]+\.[\w-]+)/.exec(invite.body)![1]!;
  const slot = /name="slot" type="radio" value="([^"]+)"/.exec(await (await fetch(link)).text())![1]!;
  expect((await svc.submit(link, { action: 'book', slot })).status).toBe(200);
  await until(async () => (await svc.status(ids.accepted)).status === 'booked', 'the booking');
  await until(async () => (await svc.status(ids.returned)).status === 'returned_to_referrer', 'the return');
  // Pain 7 then 4 (3 better) and "very good" after telephone advice; the waiting patient's "don't know".
  await recordAnswer(ids.returned, 'questionnaire_invited', { timepoint: 'baseline', questionnaires: ['pain'] });
  await recordAnswer(ids.returned, 'patient_texted', { template: 'acknowledgementAndQuestionnaire' });
  await recordAnswer(ids.returned, 'questionnaire_answered', { timepoint: 'baseline', scores: { pain: 7 }, versions: { pain: '1' } });
  await recordAnswer(ids.returned, 'questionnaire_invited', {
    timepoint: 'follow-up',
    questionnaires: ['pain', 'fft'],
    clinic: 'Telephone',
  });
  await recordAnswer(ids.returned, 'patient_texted', { template: 'questionnaireFollowUp' });
  await recordAnswer(
    ids.returned,
    'questionnaire_answered',
    { timepoint: 'follow-up', scores: { pain: 4 }, versions: { pain: '1', fft: '2020' }, fft: 'very-good', clinic: 'Telephone' },
    { why: 'Listened to me' },
  );
  await recordAnswer(ids.waiting, 'questionnaire_invited', { timepoint: 'baseline', questionnaires: ['pain'] });
  await recordAnswer(ids.waiting, 'patient_texted', { template: 'questionnaireBaseline' });
  await recordAnswer(ids.waiting, 'questionnaire_invited', { timepoint: 'follow-up', questionnaires: ['fft'], clinic: 'Dash Clinic' });
  await recordAnswer(ids.waiting, 'patient_texted', { template: 'questionnaireFollowUp' });
  await recordAnswer(ids.waiting, 'questionnaire_answered', {
    timepoint: 'follow-up',
    scores: {},
    versions: { fft: '2020' },
    fft: 'dont-know',
    clinic: 'Dash Clinic',
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

describe('figures API', () => {
  it('is for staff only: no token and a referrer token are refused', async () => {
    expect((await fetch(`${svc.url}/metrics`)).status).toBe(401);
    expect((await asStaff('/metrics', TOKEN)).status).toBe(401);
    expect((await asStaff('/metrics.csv', TOKEN)).status).toBe(401);
    expect((await asStaff(`/audit/referrals/${ids.accepted}`, TOKEN)).status).toBe(401);
    expect((await asStaff('/dashboard', TOKEN)).status).toBe(401);
  });

  it('answers with the figures of what happened, for the last four weeks by default', async () => {
    const response = await asStaff('/metrics');
    expect(response.status).toBe(200);
    const report = await response.json();
    expect(report.period).toMatchObject({ from: ukDate(now(), 27), to: ukDate(now()) });
    expect(report.overall.referralsReceived).toEqual({ total: 4, gp: 4, self: 0 });
    // Two decided at once; the waiting one is not yet due; the emergency is not triaged.
    expect(report.overall.triagedWithin24Hours).toEqual({ count: 2, of: 2, percent: 100, pending: 1 });
    expect(report.overall.decisions).toMatchObject({ accepted: { physiotherapy: 1 }, returnedWithAdvice: 1, emergency: 1 });
    expect(report.overall.smsPerBookedAppointment.bookedAppointments).toBe(1);
    expect(report.practices.map((p: { odsCode: string; rank: number }) => [p.rank, p.odsCode])).toEqual([
      [1, 'P81001'],
      [2, 'P82002'],
    ]);
  });

  it('gives the outcome measures and the FFT from the questionnaire events, by service and clinic', async () => {
    const report = await (await asStaff('/metrics')).json();
    // Pain: one answered at baseline (of those invited: these two, and any the service invites itself);
    // one invited at follow-up, answered and paired, 3 better.
    expect(report.overall.outcomeMeasures.pain).toMatchObject({
      meaningfulChange: 2,
      baseline: { count: 1 },
      followUp: { count: 1, of: 1, percent: 100 },
      paired: { count: 1, of: 1, percent: 100 },
      meanChange: 3,
      meaningfullyImproved: { count: 1, of: 1, percent: 100 },
    });
    // "Very good" and "don't know": 1 of 2 positive, "don't know" counted.
    expect(report.overall.friendsAndFamilyTest).toMatchObject({ count: 1, of: 2, percent: 50, invited: 2, metTarget: false });
    expect(report.clinics.map((c: { clinic: string; percent: number }) => [c.clinic, c.percent])).toEqual([
      ['Dash Clinic', 0],
      ['Telephone', 100],
    ]);
    expect(report.services.map((s: { service: string }) => s.service)).toContain('physiotherapy');
    expect(JSON.stringify(report)).not.toContain('Listened to me');
  });

  it('refuses a bad period field by field', async () => {
    const response = await asStaff('/metrics?from=last-week&to=2026-02-30');
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.issues).toEqual(
      expect.arrayContaining([
        { path: 'from', message: 'must be a date as YYYY-MM-DD' },
        { path: 'to', message: 'is not a real date' },
      ]),
    );
    const backwards = await (await asStaff('/metrics?from=2026-10-10&to=2026-10-01')).json();
    expect(backwards.issues).toEqual([{ path: 'to', message: 'must not be before from' }]);
  });

  it('gives the same figures as CSV, one row for the service, each practice and each week', async () => {
    const response = await asStaff('/metrics.csv');
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const [header, ...rows] = (await response.text()).trim().split('\n');
    expect(header).toMatch(/^scope,id,referrals_received,from_gp,self_referrals,triaged_within_24h,/);
    expect(rows.map((r) => r.split(',').slice(0, 3).join(','))).toEqual(
      expect.arrayContaining(['practice,P81001,3', 'practice,P82002,1', expect.stringMatching(/^service,.*,4$/)]),
    );
  });

  it('returns a referral’s audit trail, every event with who and when, notes included', async () => {
    const response = await asStaff(`/audit/referrals/${ids.returned}`);
    const trail = await response.json();
    expect(trail.timeline.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['received', 'screened', 'patient_texted', 'task_opened', 'triage_decided', 'referrer_emailed']),
    );
    const decided = trail.timeline.find((e: { type: string }) => e.type === 'triage_decided');
    expect(decided).toMatchObject({
      actor: 'staff:test-jo-physio',
      detail: { decision: 'return', decidedBy: 'Jo Physio' },
      note: { reason: 'Try NSAIDs first' },
    });
    expect((await asStaff('/audit/referrals/01ARZ3NDEKTSV4RRFFQ69G5FAV')).status).toBe(404);
  });
});

describe('dashboard page', () => {
  it('shows the headline figures, the trend, the practices and links to each timeline, in Chromium', async () => {
    const context = await browser.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${STAFF_TOKEN}` }, javaScriptEnabled: false });
    const page = await context.newPage();
    const response = await page.goto(`${svc.url}/dashboard`);
    expect(response?.status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Service dashboard');
    expect(await page.getByText('Triaged within 24 hours').first().isVisible()).toBe(true);
    expect(await page.getByText('On target').count()).toBeGreaterThan(0);
    expect(await page.locator('svg[role="img"] rect').count()).toBeGreaterThan(0);
    const practices = page.locator('table', { hasText: 'Practices compared' });
    expect(await practices.getByRole('row').count()).toBe(3); // the header and two practices
    const outcomes = page.getByRole('heading', { name: 'Outcomes and experience' });
    expect(await outcomes.isVisible()).toBe(true);
    const measures = page.locator('table', { hasText: 'Patient-reported outcome measures' });
    expect(await measures.getByRole('row', { name: /^Pain / }).textContent()).toMatch(/100% \(1 of 1\).*\+3.*at least 2 points better/s);
    const clinics = page.locator('table', { hasText: 'Friends and Family Test by clinic' });
    expect(await clinics.getByRole('row').count()).toBe(3); // the header, Dash Clinic and Telephone
    await page.screenshot({ path: `${ARTIFACTS}/dashboard.png`, fullPage: true });

    await page.getByRole('link', { name: ids.returned }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Referral ${ids.returned}`);
    expect(await page.getByText('triage decided').count()).toBe(1);
    expect(await page.getByText('reason: Try NSAIDs first').count()).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}/referral-timeline.png`, fullPage: true });
    await context.close();
  });

  it('keeps the outcomes section WCAG 2.2 AA clean (axe-core) with figures in it, and printable', async () => {
    // axe needs script: this context sets the page's CSP aside for the auditor's one script.
    const context = await browser.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${STAFF_TOKEN}` }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${svc.url}/dashboard`);
    expect(await page.getByText('Friends and Family Test by service').count()).toBe(1);
    expect(await violations(page)).toEqual([]);
    // Printed, the section's tables are all there (nothing hidden behind script or a tab).
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#outcomes ~ table').count()).toBeGreaterThanOrEqual(6);
    await page.pdf({ path: `${ARTIFACTS}/dashboard.pdf` });
    await context.close();
  });

  it('lets staff sign in from a browser (hosted sign-in, then an HttpOnly session cookie) and no one else', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    expect((await page.goto(`${svc.url}/dashboard`))?.status()).toBe(401);
    // Sign-in goes to the staff pool's page (locally a stand-in: choose who to be) and back to the page asked for.
    await page.goto(`${svc.url}/staff/sign-in?return=/dashboard`);
    await page.getByRole('button', { name: /Lee Lead/ }).click();
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Service dashboard');
    const session = (await context.cookies()).find((c) => c.name === 'msk_staff')!;
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax' });
    await context.close();
  });

  it('refuses a return from sign-in that this browser did not start', async () => {
    const response = await fetch(`${svc.url}/staff/signed-in?code=stolen&state=guessed`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('set-cookie')).toBeNull();
  });
});
