/// <reference lib="dom" />
/**
 * The patient's questionnaires in headless Chromium (Debian's package, playwright-core), as a
 * patient on a phone with JavaScript off: the baseline from the link on the acknowledgement text
 * (one mistake first: its error summary, its link to the field, the answers kept), then after the
 * clinic discharges them the follow-up and the Friends and Family Test from the follow-up text,
 * the activities they named at baseline filled in. The pages pass axe-core's WCAG 2.2 AA rules
 * (the form, its errors, thank you, answered already, closed) and reflow at 320 CSS pixels (WCAG
 * 1.4.10: 1280 pixels at 400% or a 640-pixel window at 200%) without scrolling sideways.
 * Screenshots in test-artifacts/.
 */
import { fileURLToPath } from 'node:url';

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { now } from '../../shared/clock.js';
import { ARTIFACTS, launchChromium, violations } from '../support/browser.js';
import { withPatient } from '../support/fixtures.js';
import { until } from '../support/harness.js';
import { type LocalService, startLocalService } from '../support/local-service.js';

const DAY = 86_400_000;
const WORDING = fileURLToPath(new URL('../support/msk-hq-test-wording.json', import.meta.url));
const PHONE = { width: 390, height: 844 };
const PAIN = 'Over the last week, how bad has your pain been on average?';
const FFT = 'Overall, how was your experience of our service?';

let svc: LocalService;
let browser: Browser;
/** The patient's phone: JavaScript off, as the pages must work without it. */
let phone: BrowserContext;
/** Where axe runs (it needs JavaScript, and the pages' CSP allows no script): the same screen size. */
let auditor: Page;
const audits: Record<string, string[]> = {};

const smsTo = (mobile: string, match: RegExp, what: string) =>
  svc.message((m) => m.channel === 'sms' && m.to === mobile && match.test(m.body), what);
const linkIn = (text: string) => /(http:\/\/\S+\/a\/[\w-]+\.[\w-]+)/.exec(text)![1]!;
type Event = { type: string; detail?: Record<string, unknown>; note?: Record<string, string> };
const timeline = async (id: string): Promise<Event[]> =>
  ((await (await svc.admin('GET', `/audit/referrals/${id}`, undefined)).json()) as { timeline: Event[] }).timeline;
const answered = async (id: string, timepoint: string) =>
  (await timeline(id)).find((e) => e.type === 'questionnaire_answered' && e.detail?.timepoint === timepoint);
const statusIs = (id: string, wanted: string) =>
  until(async () => (await svc.status(id)).status === wanted, `${id} to be ${wanted}`, 30_000);
const h1 = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

/** axe on the page as the patient sees it: a page opened by link, or one a post returned (copied as it stands). */
async function audit(name: string, source: string | Page) {
  if (typeof source === 'string') await auditor.goto(source);
  else await auditor.setContent(await source.content(), { waitUntil: 'load' });
  audits[name] = await violations(auditor);
}

/** No sideways scrolling at 320 CSS pixels wide (WCAG 1.4.10 Reflow); JavaScript stays off in the page. */
async function reflows(link: string, name: string) {
  const narrow = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 }, isMobile: true });
  const page = await narrow.newPage();
  await page.goto(link);
  const widths = await page.evaluate(() => ({
    page: document.scrollingElement!.scrollWidth,
    widest: Math.max(...Array.from(document.querySelectorAll('main *')).map((e) => e.getBoundingClientRect().right)),
  }));
  await page.screenshot({ path: `${ARTIFACTS}/${name}-320px.png`, fullPage: true });
  await narrow.close();
  expect(widths.page).toBeLessThanOrEqual(320);
  expect(widths.widest).toBeLessThanOrEqual(320);
}

/**
 * A 0 to 10 scale on a tablet reads top to bottom, one number under another, rather than wrapping
 * over two rows (7 under 0); its ends say what they mean beside them.
 */
async function scaleIsOneColumn(link: string) {
  const tablet = await browser.newPage({ javaScriptEnabled: false, viewport: { width: 800, height: 1000 } });
  await tablet.goto(link);
  const scale = tablet.getByRole('group', { name: PAIN });
  const lefts = await scale.getByRole('radio').evaluateAll((radios) => radios.map((r) => r.getBoundingClientRect().left));
  expect(lefts).toHaveLength(11);
  expect(new Set(lefts).size).toBe(1);
  expect(await scale.getByText('10 is the worst pain you can imagine', { exact: true }).count()).toBe(1);
  await scale.screenshot({ path: `${ARTIFACTS}/questionnaire-pain-scale-tablet.png` });
  await tablet.close();
}

/** One of a question's answers, found as a patient finds it: the group its question labels, then the answer's own label. */
const answer = (page: Page, question: string | RegExp, option: string) =>
  page.getByRole('group', { name: question }).getByRole('radio', { name: option, exact: true });
const mskHqItem = (n: number) => new RegExp(`^Test wording for item ${n}\\b`);

beforeAll(async () => {
  // A day a second, so that the appointment is past in seconds; links that outlast a slow browser.
  svc = await startLocalService({
    speedup: 86_400,
    settings: { MSKHQ_WORDING_FILE: WORDING, QUESTIONNAIRE_LINK_DAYS: '3650', TASK_LINK_DAYS: '3650' },
  });
  browser = await launchChromium();
  phone = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE, isMobile: true, hasTouch: true });
  auditor = await (await browser.newContext({ viewport: PHONE, isMobile: true, bypassCSP: true })).newPage();
});
afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

describe('questionnaires from texted links, in a browser', () => {
  it('lets a patient answer the baseline, then after discharge the follow-up and the FFT, on a phone without JavaScript', async () => {
    const mobile = '+447700900601';
    const id = await svc.referAndGetId(withPatient({ mobile: '07700 900601' }));
    const baseline = linkIn((await smsTo(mobile, /has your referral/, 'the acknowledgement')).body);

    const page = await phone.newPage();
    expect((await page.goto(baseline))!.status()).toBe(200);
    expect(await h1(page)).toBe('How you are before treatment');
    await page.screenshot({ path: `${ARTIFACTS}/questionnaire-baseline.png`, fullPage: true });
    await audit('baseline', baseline);
    await reflows(baseline, 'questionnaire-baseline');
    await scaleIsOneColumn(baseline);

    // Sent empty: the summary's link leads to the first question's first answer, which takes focus.
    await page.getByRole('button', { name: 'Send my answers' }).click();
    expect((await page.evaluate(() => document.activeElement?.textContent)) ?? '').toContain('There is a problem');
    await page.getByRole('alert').getByRole('link', { name: 'Answer at least one question' }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('msk-hq.item-1-4');

    // The MSK-HQ, each item by clicking its answer; pain by keyboard (arrow keys move within a radio group).
    for (let n = 1; n <= 14; n++) await answer(page, mskHqItem(n), 'Test answer scoring 2').check();
    await answer(page, PAIN, '6').focus();
    await page.keyboard.press('ArrowRight');
    expect(await answer(page, PAIN, '7').isChecked()).toBe(true);
    await page.getByLabel('Activity 1 (optional)').fill('Climbing stairs');
    await answer(page, 'How well can you do activity 1 now?', '3').check();
    // A mistake: a score for activity 2 without naming it.
    await answer(page, 'How well can you do activity 2 now?', '4').check();
    await page.getByRole('button', { name: 'Send my answers' }).click();

    expect(await page.title()).toMatch(/^Error: How you are before treatment/);
    const summary = page.getByRole('alert');
    expect(await summary.textContent()).toContain('Name activity 2, or leave its score blank');
    // First in the page's main content, above the heading, and focused on arrival without script
    // (even though the page before was at #msk-hq.item-1-4: the form posts to the link without it).
    expect(await page.locator('main > *').first().getAttribute('class')).toContain('nhsuk-error-summary');
    expect(await page.evaluate(() => document.activeElement?.className)).toContain('nhsuk-error-summary');
    // Beside the field too, and the field says so to a screen reader.
    const activity2 = page.getByLabel('Activity 2 (optional)');
    expect(await activity2.getAttribute('aria-describedby')).toBe('psfs.activity-2-error');
    expect(await page.locator('[id="psfs.activity-2-error"]').textContent()).toContain('Name activity 2');
    // What was chosen is kept.
    expect(await answer(page, PAIN, '7').isChecked()).toBe(true);
    expect(await answer(page, 'How well can you do activity 2 now?', '4').isChecked()).toBe(true);
    expect(await answer(page, mskHqItem(14), 'Test answer scoring 2').isChecked()).toBe(true);
    expect(await page.getByLabel('Activity 1 (optional)').inputValue()).toBe('Climbing stairs');
    await page.screenshot({ path: `${ARTIFACTS}/questionnaire-baseline-error.png`, fullPage: true });
    await audit('baseline with an error', page);

    // The summary's link leads to the field: the patient follows it and types there.
    await summary.getByRole('link', { name: 'Name activity 2, or leave its score blank' }).click();
    expect(await page.evaluate(() => location.hash)).toBe('#psfs.activity-2');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('psfs.activity-2');
    await activity2.fill('Gardening');
    await page.getByRole('button', { name: 'Send my answers' }).click();
    expect(await h1(page)).toBe('Thank you for your answers');
    await page.screenshot({ path: `${ARTIFACTS}/questionnaire-thank-you.png`, fullPage: true });
    await audit('thank you', page);

    const first = await answered(id, 'baseline');
    // MSK-HQ: 14 items at 2 = 28; PSFS: (3 + 4) / 2 = 3.5.
    expect(first?.detail).toEqual({
      timepoint: 'baseline',
      scores: { 'msk-hq': 28, pain: 7, psfs: 3.5 },
      versions: { 'msk-hq': 'test-1', pain: '1', psfs: '1' },
    });
    expect(first?.note).toEqual({ 'psfs.activity-1': 'Climbing stairs', 'psfs.activity-2': 'Gardening' });

    // Opened again: answered already.
    expect((await page.goto(baseline))!.status()).toBe(409);
    expect(await h1(page)).toBe('You have already answered');
    await audit('answered already', baseline);

    // The clinic path: accepted at triage, booked from the booking text, attended and discharged.
    await svc.loadClinic('test-clinic', { count: 40, firstInMs: 4 * DAY, everyMs: 10 * 3_600_000 });
    await svc.submit(await svc.linkFor(id), { decision: 'accept', clinician: 'Jo Physio', service: 'physiotherapy', priority: 'routine' });
    const booking = linkIn((await smsTo(mobile, /book your/, 'the booking invitation')).body);
    const slot = [...(await (await fetch(booking)).text()).matchAll(/name="slot" type="radio" value="([^"]+)"/g)]
      .map((m) => m[1]!)
      .find((s) => Date.parse(s.split('#')[1]!) > now().getTime() + 3 * DAY)!;
    const booked = await fetch(booking, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ action: 'book', slot }).toString(),
    });
    expect(booked.status).toBe(200);
    const outcomeEmail = await svc.message((m) => m.to === 'clinic-team' && m.body.includes(id), 'the outcome request');
    await svc.submit(/(http:\/\/\S+\/tasks\/\S+)/.exec(outcomeEmail.body)![1]!, {
      decision: 'attended-discharged',
      clinician: 'Pat Clinic',
    });
    await statusIs(id, 'attended_discharged');

    const followUp = linkIn((await smsTo(mobile, /how are you now, and how were we\?/, 'the follow-up invitation')).body);
    expect((await page.goto(followUp))!.status()).toBe(200);
    expect(await h1(page)).toBe('How you are now, and your experience');
    // The activities named at baseline, shown by name to rate again (not editable: the change compares like with like).
    expect(await page.getByText('Activity 1: Climbing stairs').count()).toBe(1);
    expect(await page.getByText('Activity 2: Gardening').count()).toBe(1);
    // Only those are rated again: no new activity to compare with nothing.
    expect(await page.getByLabel('Activity 3 (optional)').count()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}/questionnaire-follow-up.png`, fullPage: true });
    await audit('follow-up', followUp);
    await reflows(followUp, 'questionnaire-follow-up');

    await answer(page, PAIN, '3').check();
    await answer(page, 'How well can you do activity 1 now?', '6').check();
    await answer(page, 'How well can you do activity 2 now?', '7').check();
    await answer(page, 'Overall, how is the problem you were referred for now?', 'Better').check();
    await answer(page, FFT, 'Good').check();
    await page.getByLabel('Please tell us why you gave your answer (optional)').fill('The exercises helped; the wait was long.');
    await page.getByRole('button', { name: 'Send my answers' }).click();
    expect(await h1(page)).toBe('Thank you for your answers');
    await audit('thank you after follow-up', page);

    const second = await answered(id, 'follow-up');
    expect(second?.detail).toEqual({
      timepoint: 'follow-up',
      scores: { pain: 3, psfs: 6.5, groc: 2 },
      versions: { pain: '1', psfs: '1', groc: '1', fft: '2020' },
      fft: 'good',
      clinic: 'Test Clinic',
    });
    expect(second?.note).toEqual({
      'psfs.activity-1': 'Climbing stairs',
      'psfs.activity-2': 'Gardening',
      'fft.why': 'The exercises helped; the wait was long.',
    });
    await page.close();
  }, 120_000);

  it('says a questionnaire has closed when the referral closed before treatment', async () => {
    const mobile = '+447700900602';
    const id = await svc.referAndGetId(withPatient({ mobile: '07700 900602' }));
    const baseline = linkIn((await smsTo(mobile, /has your referral/, 'the acknowledgement')).body);
    await svc.submit(await svc.linkFor(id), { decision: 'return', clinician: 'Jo Physio', reason: 'See your GP for an injection.' });
    await statusIs(id, 'returned_to_referrer');

    const page = await phone.newPage();
    expect((await page.goto(baseline))!.status()).toBe(410);
    expect(await h1(page)).toBe('This questionnaire has closed');
    await page.screenshot({ path: `${ARTIFACTS}/questionnaire-closed.png`, fullPage: true });
    await audit('closed', baseline);
    await page.close();
  });

  it('passes WCAG 2.2 AA (axe-core) on every page the patient saw', () => {
    expect(Object.keys(audits)).toEqual([
      'baseline',
      'baseline with an error',
      'thank you',
      'answered already',
      'follow-up',
      'thank you after follow-up',
      'closed',
    ]);
    expect(audits).toEqual(Object.fromEntries(Object.keys(audits).map((k) => [k, []])));
  });
});
