/// <reference lib="dom" />
/**
 * The first contact call as a physiotherapist makes it, in headless Chromium without JavaScript:
 * sign in at /staff, open the call list, open the patient's call page, record an unanswered
 * attempt (the patient is texted), call again, and book face to face during the call, choosing a
 * slot with the patient; the patient is texted the confirmation. The pages pass axe-core's WCAG
 * 2.2 AA rules. Screenshots in test-artifacts/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LOCAL_STAFF } from '../../local/staff-identity.js';
import { ARTIFACTS, auditContext, launchChromium, violations } from '../support/browser.js';
import { withPatient } from '../support/fixtures.js';
import { until } from '../support/harness.js';
import { type LocalService, startLocalService } from '../support/local-service.js';

let svc: LocalService;
let browser: Browser;
let id: string;

beforeAll(async () => {
  // Phone first for GP referrals; no gap between attempts, so that the second call can follow at once.
  svc = await startLocalService({ settings: { FIRST_CONTACT_CALL: 'gp', CALL_RETRY_HOURS: '0' } });
  await svc.loadClinic('phone-clinic', { count: 4, firstInMs: 2 * 86_400_000 });
  id = await svc.referAndGetId(withPatient({ givenName: 'Priya', familyName: 'Shah', mobile: '07700 900555' }));
  await until(async () => (await svc.status(id)).status === 'awaiting_call', 'the call list');
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

const texts = () => svc.runtime.outbox.list().filter((m) => m.channel === 'sms' && m.to === '+447700900555');

async function openCallPage(page: Page) {
  await page.goto(`${svc.url}/staff`);
  await page.getByRole('link', { name: 'Call list' }).first().click();
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Call list');
  const row = page.getByRole('row', { name: new RegExp(id) });
  expect(await row.textContent()).toContain('Priya Shah');
  // Keyboard only: the row's link opens the call page.
  await row.getByRole('link', { name: id }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/tasks\//);
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('First contact call');
}

describe('the first contact call in a browser', () => {
  it('lets a physiotherapist call from the list, record no answer, call again and book face to face during the call', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${svc.url}/staff`);
    await page.getByRole('button', { name: /Tess Triage/ }).click();
    await until(async () => {
      await page.goto(`${svc.url}/staff/calls`);
      return (await page.getByRole('link', { name: id }).count()) > 0 || undefined;
    }, 'the call page link on the list');

    await openCallPage(page);
    expect(await page.getByRole('link', { name: '07700 900555' }).getAttribute('href')).toBe('tel:+447700900555');
    await page.screenshot({ path: `${ARTIFACTS}/call-page.png`, fullPage: true });
    await page.getByRole('button', { name: /No answer/ }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Attempt recorded');
    await until(() => texts().find((m) => m.body.includes('tried to phone you')), 'the missed-call text');

    // The next call reaches Priya: a slot chosen with her, the note, and book.
    await page.getByRole('link', { name: 'Back to the call list' }).click();
    await openCallPage(page);
    expect(await page.getByText('Unanswered attempts: 1 of 3').count()).toBe(1);
    await page.getByRole('radio').first().check();
    await page.getByLabel('Clinical note of the call').fill('Knee pain on stairs; exercises given; booked to assess.');
    await page.getByRole('button', { name: 'Book a face-to-face appointment' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Appointment booked');
    await page.screenshot({ path: `${ARTIFACTS}/call-booked.png`, fullPage: true });

    const confirmation = await until(() => texts().find((m) => m.body.includes('booked:')), 'the confirmation text');
    expect(confirmation.body).toContain('Phone Clinic');
    expect((await svc.status(id)).status).toBe('booked');
    expect((await svc.status(id)).outcome).toMatchObject({ decidedBy: 'Tess Triage' });
    await context.close();
  });

  it('passes WCAG 2.2 AA (axe-core) on the call list, the call page with its errors, and the attempt page', async () => {
    const other = await svc.referAndGetId(withPatient({ nhsNumber: '9434765870', mobile: '07700 900556' }));
    await until(async () => (await svc.status(other)).status === 'awaiting_call', 'the call list');
    const tess = LOCAL_STAFF.find((u) => u.id === 'local-triage')!;
    const ctx = await auditContext(browser, svc.url, svc.sessionCookie(tess));
    const page = await ctx.newPage();
    const results: Record<string, string[]> = {};
    await page.goto(`${svc.url}/staff/calls`);
    results['call list'] = await violations(page);
    const link = await until(async () => {
      await page.goto(`${svc.url}/staff/calls`);
      return page
        .getByRole('link', { name: other })
        .getAttribute('href', { timeout: 1000 })
        .catch(() => undefined);
    }, 'the link');
    await page.goto(link!);
    results['call page'] = await violations(page);
    await page.getByRole('button', { name: 'Needs senior review (e.g. considering surgery)' }).click();
    expect(await page.getByText('There is a problem').count()).toBe(1);
    results['call page with errors'] = await violations(page);
    await page.goto(link!);
    await page.getByRole('button', { name: /No answer/ }).click();
    results['attempt recorded'] = await violations(page);
    await ctx.close();
    expect(results).toEqual(Object.fromEntries(Object.keys(results).map((k) => [k, []])));
  });
});
