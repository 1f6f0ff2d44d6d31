/// <reference lib="dom" />
/**
 * The patient's booking page in headless Chromium (Debian's package, playwright-core), on a phone
 * sized screen with JavaScript off: open the texted link, choose a slot, book, see the
 * confirmation; then change the appointment. And the self-referral form, errors beside fields.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ARTIFACTS, launchChromium } from '../support/browser.js';
import { withPatient } from '../support/fixtures.js';
import { type LocalService, startLocalService } from '../support/local-service.js';

const DAY = 86_400_000;

let svc: LocalService;
let browser: Browser;

beforeAll(async () => {
  svc = await startLocalService();
  await svc.loadClinic('leyland', { count: 6, firstInMs: 3 * DAY });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

describe('patient pages in a browser', () => {
  it('books from the texted link, then changes the appointment', async () => {
    const id = await svc.referAndGetId(withPatient({ mobile: '07700 900501' }));
    await svc.submit(await svc.linkFor(id), { decision: 'accept', clinician: 'Jo Physio', service: 'physiotherapy', priority: 'routine' });
    const invite = await svc.message((m) => m.to === '+447700900501' && /book your/.test(m.body), 'the invitation');
    const link = /(http:\/\/\S+\/a\/\S+)/.exec(invite.body)![1]!;

    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    await page.goto(link);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Choose your appointment');
    await page.screenshot({ path: `${ARTIFACTS}/booking-page.png`, fullPage: true });
    await page.getByRole('radio').first().check();
    await page.getByRole('button', { name: 'Book this appointment' }).click();
    await page.getByText('Appointment booked').first().waitFor();
    expect(await page.getByText('Leyland Clinic').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS}/booking-confirmed.png`, fullPage: true });

    const confirmation = await svc.message((m) => m.to === '+447700900501' && /booked:/.test(m.body), 'the confirmation text');
    await page.goto(/(http:\/\/\S+\/a\/\S+)/.exec(confirmation.body)![1]!);
    await page.getByRole('radio').nth(2).check();
    await page.getByRole('button', { name: 'Change to this appointment' }).click();
    await page.getByText('Appointment changed').first().waitFor();
    expect((await svc.status(id)).timeline.map((e: { type: string }) => e.type)).toContain('appointment_rearranged');
    await context.close();
  });

  it('shows self-referral errors beside the fields, then accepts the corrected form', async () => {
    const page = await browser.newPage({ javaScriptEnabled: false });
    await page.goto(`${svc.url}/self-referral`);
    await page.getByLabel('First name').fill('Robin');
    await page.getByLabel('NHS number').fill('943 476 5918');
    await page.getByRole('button', { name: 'Send my referral' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('Modulus 11');
    expect(await page.locator('#nhsNumber-error').textContent()).toContain('NHS number');
    expect(await page.getByLabel('First name').inputValue()).toBe('Robin'); // what was typed stays

    await page.getByLabel('Last name').fill('Smith');
    await page.getByLabel('NHS number').fill('943 476 5919');
    await page.getByLabel('Date of birth').fill('1980-02-03');
    await page.getByLabel('Postcode').fill('pr7 1aa');
    await page.getByLabel('Where is the problem?').selectOption('knee');
    await page.getByLabel('Tell us about it').fill('Knee pain going down stairs');
    await page.getByLabel('How many weeks have you had it?').fill('8');
    await page.getByLabel('How bad is the pain').selectOption('5');
    await page.getByRole('button', { name: 'Send my referral' }).click();
    await page.getByText('Referral sent').first().waitFor();
    const reference = (await page.locator('.nhsuk-panel__body strong').textContent())!;
    await page.screenshot({ path: `${ARTIFACTS}/self-referral-sent.png`, fullPage: true });
    expect(reference).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    await page.close();
  });
});
