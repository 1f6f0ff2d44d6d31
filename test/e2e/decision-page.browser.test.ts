/// <reference lib="dom" />
/**
 * The decision page as a clinician meets it, in headless Chromium (Debian's package, driven by
 * playwright-core; .ci/run installs it): open the emailed link, pick Accept, see the confirmation.
 * A screenshot of each page is kept in test-artifacts/.
 */
import type { Browser } from 'playwright-core';
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

describe('decision page in a browser', () => {
  it('lets a clinician open the link, choose Accept, submit without JavaScript, and see the confirmation', async () => {
    const id = await svc.referAndGetId(validReferral({ redFlags: ['recent-trauma'] }));
    const link = await svc.linkFor(id);
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();

    await page.goto(link);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Triage referral');
    expect(await page.getByText('Sam Jones').count()).toBeGreaterThan(0);
    // The stylesheet loaded: NHS.UK frontend buttons are green.
    const background = await page.getByRole('button', { name: 'Accept' }).evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(background).toBe('rgb(0, 127, 59)'); // NHS green (#007f3b), so the stylesheet was applied
    await page.screenshot({ path: `${ARTIFACTS}/decision-page.png`, fullPage: true });

    await page.getByLabel('Your name').fill('Jo Physio');
    await page.getByLabel('Reason, advice or question').fill('Suspected fracture ruled out by GP X-ray; physio first.');
    await page.getByLabel('Service (for Accept)').selectOption('physiotherapy');
    await page.getByLabel('Priority (for Accept)').selectOption('urgent');
    await page.getByRole('button', { name: 'Accept' }).click();

    await page.getByText('Decision recorded').first().waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/decision-recorded.png`, fullPage: true });
    await until(async () => (await svc.status(id)).outcome?.decision === 'accept', 'the referral to be accepted');
    expect((await svc.status(id)).outcome).toMatchObject({ decidedBy: 'Jo Physio', service: 'physiotherapy', priority: 'urgent' });

    // Back in the same tab: the link now says the decision was made, and changes nothing.
    const again = await page.goto(link);
    expect(again?.status()).toBe(409);
    await context.close();
  });

  it('never decides when Enter is pressed in the name field', async () => {
    const id = await svc.referAndGetId(validReferral());
    const page = await browser.newPage();
    await page.goto(await svc.linkFor(id));
    await page.getByLabel('Your name').fill('Jo Physio');
    await page.getByLabel('Your name').press('Enter');
    expect(await page.getByRole('alert').textContent()).toContain('Choose a decision');
    expect((await svc.status(id)).outcome).toBeUndefined();
    await page.close();
  });

  it('shows errors next to the fields when the form is incomplete', async () => {
    const id = await svc.referAndGetId(validReferral());
    const page = await browser.newPage();
    await page.goto(await svc.linkFor(id));
    await page.getByRole('button', { name: 'Accept' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('Enter your name');
    expect(await page.locator('#clinician-error').textContent()).toContain('Enter your name');
    await page.close();
  });
});
