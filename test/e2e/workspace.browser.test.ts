/// <reference lib="dom" />
/**
 * The workspace as people use it, in headless Chromium without JavaScript, keyboard and mouse: a
 * triage clinician signs in at /staff, claims a referral and triages it from the queue; a booking
 * clerk books a patient with no mobile on their behalf. Screenshots in test-artifacts/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ARTIFACTS, launchChromium } from '../support/browser.js';
import { validReferral, withPatient } from '../support/fixtures.js';
import { until } from '../support/harness.js';
import { type LocalService, startLocalService } from '../support/local-service.js';

let svc: LocalService;
let browser: Browser;
let ids: { first: string; noMobile: string };

beforeAll(async () => {
  svc = await startLocalService();
  await svc.loadClinic('browser-clinic', { count: 4, firstInMs: 2 * 86_400_000 });
  ids = {
    first: await svc.referAndGetId(validReferral({ redFlags: ['recent-trauma'] })),
    noMobile: await svc.referAndGetId(withPatient({ nhsNumber: '9434765870', givenName: 'Nia', familyName: 'Okafor', mobile: undefined })),
  };
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

async function signIn(who: RegExp, path = '/staff'): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${svc.url}${path}`);
  await page.getByRole('button', { name: who }).click();
  return page;
}

describe('the workspace in a browser', () => {
  it('lets a triage clinician run triage from /staff: sign in, claim, open, decide', async () => {
    const page = await signIn(/Tess Triage/);
    expect(new URL(page.url()).pathname).toBe('/staff');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Workspace');
    await page.screenshot({ path: `${ARTIFACTS}/workspace-home.png`, fullPage: true });

    await page.getByRole('link', { name: 'Triage' }).first().click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Triage');
    await page.getByRole('button', { name: `Claim ${ids.first}` }).click();
    expect(
      await page
        .getByRole('row', { name: new RegExp(ids.first) })
        .getByText('You')
        .count(),
    ).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}/workspace-triage.png`, fullPage: true });

    // Keyboard only: the row's link, then the decision page.
    await page.getByRole('link', { name: ids.first }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/tasks\//);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Triage referral');
    await page.getByLabel('Service (for Accept)').selectOption('physiotherapy');
    await page.getByLabel('Priority (for Accept)').selectOption('urgent');
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByText('Decision recorded').first().waitFor();
    expect((await svc.status(ids.first)).outcome).toMatchObject({ decidedBy: 'Tess Triage' });

    // Done for the day: sign out, and the workspace asks who you are again.
    await page.goto(`${svc.url}/staff`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You have signed out');
    await page.goto(`${svc.url}/staff/triage`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    await page.context().close();
  });

  it('lets the booking team book a patient with no mobile on their behalf, from the worklist', async () => {
    // Triage first (as the triage clinician would), so that the patient reaches the worklist.
    const triage = await signIn(/Tess Triage/, '/staff/triage');
    await triage.getByRole('link', { name: ids.noMobile }).click();
    await triage.getByLabel('Service (for Accept)').selectOption('physiotherapy');
    await triage.getByLabel('Priority (for Accept)').selectOption('routine');
    await triage.getByRole('button', { name: 'Accept' }).click();
    await triage.getByText('Decision recorded').first().waitFor();
    await triage.context().close();
    await until(async () => (await svc.status(ids.noMobile)).status === 'booking_worklist', 'the booking worklist');

    const page = await signIn(/Bo Booking/, '/staff/booking');
    expect(await page.getByRole('row', { name: /Nia Okafor/ }).count()).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}/workspace-booking.png`, fullPage: true });
    await page.getByRole('link', { name: ids.noMobile }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Book an appointment');
    await page.getByRole('radio').first().check();
    await page.getByRole('button', { name: 'Book this appointment' }).click();
    await page.getByText('Appointment booked').first().waitFor();
    await until(async () => (await svc.status(ids.noMobile)).status === 'booked', 'the booking');
    // Another role is refused the worklist, with a page that says why.
    const other = await signIn(/Cal Clinic/, '/staff/booking');
    expect(await other.getByRole('heading', { level: 1 }).textContent()).toBe('You cannot do this');
    await other.context().close();
    await page.context().close();
  });
});
