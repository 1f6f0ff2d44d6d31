/// <reference lib="dom" />
/**
 * The decision page as a clinician meets it, in headless Chromium (Debian's package, driven by
 * playwright-core; .ci/run installs it): open the emailed link, sign in, pick Accept, see the confirmation.
 * A screenshot of each page is kept in test-artifacts/.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ARTIFACTS, launchChromium } from '../support/browser.js';
import { validReferral } from '../support/fixtures.js';
import { until } from '../support/harness.js';
import { type LocalService, startLocalService } from '../support/local-service.js';

let svc: LocalService;
let browser: Browser;

beforeAll(async () => {
  svc = await startLocalService();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

/** Opens a staff link in a fresh browser: the stand-in sign-in page, `who` chosen, then back to the link. */
async function signedInAt(link: string, who: RegExp, context?: BrowserContext) {
  const ctx = context ?? (await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } }));
  const page = await ctx.newPage();
  await page.goto(link);
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
  await page.getByRole('button', { name: who }).click();
  return { page, context: ctx };
}

describe('decision page in a browser', () => {
  it('lets a clinician open the emailed link, sign in, choose Accept without JavaScript, and see the confirmation', async () => {
    const id = await svc.referAndGetId(validReferral({ redFlags: ['recent-trauma'] }));
    const link = await svc.linkFor(id);
    const { page, context } = await signedInAt(link, /Tess Triage/);

    expect(page.url()).toBe(link);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Triage referral');
    expect(await page.getByText('Sam Jones').count()).toBeGreaterThan(0);
    expect(await page.getByText('Signed in as Tess Triage').count()).toBe(1);
    // The stylesheet loaded: NHS.UK frontend buttons are green.
    const background = await page.getByRole('button', { name: 'Accept' }).evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(background).toBe('rgb(0, 127, 59)'); // NHS green (#007f3b), so the stylesheet was applied
    await page.screenshot({ path: `${ARTIFACTS}/decision-page.png`, fullPage: true });

    await page.getByLabel('Reason, advice or question').fill('Suspected fracture ruled out by GP X-ray; physio first.');
    await page.getByLabel('Service (for Accept)').selectOption('physiotherapy');
    await page.getByLabel('Priority (for Accept)').selectOption('urgent');
    await page.getByRole('button', { name: 'Accept' }).click();

    await page.getByText('Decision recorded').first().waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/decision-recorded.png`, fullPage: true });
    await until(async () => (await svc.status(id)).outcome?.decision === 'accept', 'the referral to be accepted');
    expect((await svc.status(id)).outcome).toMatchObject({
      decidedBy: 'Tess Triage',
      decidedById: 'local-triage',
      service: 'physiotherapy',
      priority: 'urgent',
    });

    // Back in the same tab: the link now says the decision was made, and changes nothing.
    const again = await page.goto(link);
    expect(again?.status()).toBe(409);
    await context.close();
  });

  it('refuses, with a page that says why, someone signed in without the role that decides the step', async () => {
    const id = await svc.referAndGetId(validReferral());
    const { page, context } = await signedInAt(await svc.linkFor(id), /Bo Booking/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You cannot do this');
    expect(await page.getByText('triage-clinician').count()).toBe(1);
    expect((await svc.status(id)).outcome).toBeUndefined();
    await context.close();
  });

  it('shows errors next to the fields when the form is incomplete', async () => {
    const id = await svc.referAndGetId(validReferral());
    const { page, context } = await signedInAt(await svc.linkFor(id), /Tess Triage/);
    // Service and priority come suggested from screening; a redirect needs its destination chosen.
    await page.getByRole('button', { name: 'Redirect' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('Choose where to redirect to');
    expect(await page.locator('#destination-error').textContent()).toContain('Choose where to redirect to');
    expect((await svc.status(id)).outcome).toBeUndefined();
    await context.close();
  });
});
