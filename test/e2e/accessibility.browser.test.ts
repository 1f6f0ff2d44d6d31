/// <reference lib="dom" />
/**
 * WCAG 2.2 AA, as far as a machine can check it: axe-core (Deque's rules engine, the one most
 * audits start from) run in Chromium on every kind of page people use: the public form and its
 * answers, the patient's booking page, and each staff page as the service lead sees it. Automated
 * rules catch about a third of WCAG failures; keyboard-only journeys are in the other browser
 * tests, and a person with a screen reader should still try the pages before a service goes live.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LOCAL_STAFF } from '../../local/staff-identity.js';
import { auditContext, launchChromium, violations } from '../support/browser.js';
import { validReferral, withPatient } from '../support/fixtures.js';
import { type LocalService, startLocalService } from '../support/local-service.js';

let svc: LocalService;
let browser: Browser;
const context = (cookie?: string) => auditContext(browser, svc.url, cookie);
let ids: { triage: string; booking: string };
let bookingLink: string;

beforeAll(async () => {
  svc = await startLocalService();
  await svc.loadClinic('a11y-clinic', { count: 4, firstInMs: 3 * 86_400_000 });
  ids = { triage: await svc.referAndGetId(validReferral()), booking: await svc.referAndGetId(withPatient({ mobile: '07700 900711' })) };
  await svc.submit(await svc.linkFor(ids.booking), { decision: 'accept', service: 'physiotherapy', priority: 'routine' });
  const invite = await svc.message((m) => m.to === '+447700900711' && /book your/.test(m.body), 'the invitation');
  bookingLink = /(http:\/\/\S+\/a\/\S+)/.exec(invite.body)![1]!;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

describe('WCAG 2.2 AA (axe-core) in Chromium', () => {
  it('holds on the public pages: the form, its errors, the emergency answer, self-care, signed out', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    const results: Record<string, string[]> = {};
    for (const path of ['/self-referral', '/self-care', '/staff/sign-out', '/staff/signed-out']) {
      await page.goto(`${svc.url}${path}`);
      results[path] = await violations(page);
    }
    await page.goto(`${svc.url}/self-referral`);
    await page.getByRole('button', { name: 'Send my referral' }).click();
    results['form with errors'] = await violations(page);
    await page.goto(`${svc.url}/self-referral`);
    const answers = { givenName: 'Robin', familyName: 'Smith', nhsNumber: '9434765919', dateOfBirth: '1980-02-03', postcode: 'PR7 1AA' };
    for (const [id, value] of Object.entries({ ...answers, summary: 'Back pain', durationWeeks: '1' }))
      await page.locator(`#${id}`).fill(value);
    await page.locator('#bodySite').selectOption('lower-back');
    await page.locator('#painScore').selectOption('7');
    await page.getByRole('checkbox').first().check();
    await page.getByRole('button', { name: 'Send my referral' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Go to A&E now');
    results['emergency answer'] = await violations(page);
    await page.goto(bookingLink);
    results['patient booking page'] = await violations(page);
    await ctx.close();
    expect(results).toEqual(Object.fromEntries(Object.keys(results).map((k) => [k, []])));
  });

  it('holds on every staff page, as the service lead sees them', async () => {
    const lead = LOCAL_STAFF.find((u) => u.id === 'local-lead')!;
    const ctx = await context(svc.sessionCookie(lead));
    const page = await ctx.newPage();
    const results: Record<string, string[]> = {};
    const paths = [
      '/staff',
      '/staff/calls',
      '/staff/triage',
      '/staff/senior-review',
      '/staff/information',
      '/staff/booking',
      '/staff/outcomes',
      '/staff/needs-action',
      '/staff/message-failed',
      '/staff/find',
      '/staff/access',
      '/staff/waiting-list',
      '/staff/clinics',
      '/dashboard',
      `/dashboard/referrals/${ids.triage}`,
      new URL(await svc.linkFor(ids.triage)).pathname,
    ];
    for (const path of paths) {
      await page.goto(`${svc.url}${path}`);
      results[path.startsWith('/tasks/') ? 'triage decision page' : path] = await violations(page);
    }
    await page.goto(`${svc.url}${paths.at(-1)}`);
    await page.getByRole('button', { name: 'Accept' }).click();
    results['decision page with errors'] = await violations(page);
    await ctx.close();
    expect(results).toEqual(Object.fromEntries(Object.keys(results).map((k) => [k, []])));
  });
});
