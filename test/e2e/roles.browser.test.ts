/// <reference lib="dom" />
/**
 * The roles the other browser journeys do not cover, each signed in as themselves in headless
 * Chromium without JavaScript: a senior clinician confirms a referral to secondary care from their
 * queue; clinic staff record an appointment's outcome; a service lead sets up a clinic and a weekly
 * session, then cancels a date with a patient booked into it, who goes back to be rebooked.
 * The clock runs at 600 times (ten minutes a second), so that an appointment can be over in a test.
 */
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { now } from '../../shared/clock.js';
import { SERVICE_TIME_ZONE } from '../../shared/domain/time.js';
import { ARTIFACTS, launchChromium } from '../support/browser.js';
import { validReferral, withPatient } from '../support/fixtures.js';
import { until } from '../support/harness.js';
import { type LocalService, startLocalService } from '../support/local-service.js';

let svc: LocalService;
let browser: Browser;

beforeAll(async () => {
  svc = await startLocalService({ speedup: 600 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

async function signIn(who: RegExp, path: string): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${svc.url}${path}`);
  await page.getByRole('button', { name: who }).click();
  return page;
}
const statusOf = async (id: string) => (await svc.status(id)) as { status: string; outcome?: Record<string, unknown> };
const statusIs = (id: string, status: string) => until(async () => (await statusOf(id)).status === status, `${id} to be ${status}`, 20_000);

/** A patient with a mobile, accepted at triage, who books the first slot `pick` allows from their text. */
async function bookedPatient(mobile: string, pick: (slot: string) => boolean): Promise<string> {
  const id = await svc.referAndGetId(withPatient({ mobile }));
  await svc.submit(await svc.linkFor(id), { decision: 'accept', service: 'physiotherapy', priority: 'routine' });
  const e164 = `+44${mobile.replace(/\s/g, '').slice(1)}`;
  const invite = await svc.message((m) => m.to === e164 && /book your/.test(m.body), 'the invitation');
  const link = /(http:\/\/\S+\/a\/\S+)/.exec(invite.body)![1]!;
  const offered = [...(await (await fetch(link)).text()).matchAll(/name="slot" type="radio" value="([^"]+)"/g)].map((m) => m[1]!);
  expect((await svc.submit(link, { action: 'book', slot: offered.find(pick)! })).status).toBe(200);
  await statusIs(id, 'booked');
  return id;
}

describe('each role in a browser', () => {
  it('a senior clinician confirms a referral to secondary care from their queue, in their own name', async () => {
    const id = await svc.referAndGetId(validReferral());
    await svc.submit(await svc.linkFor(id), { decision: 'redirect', destination: 'orthopaedic-surgery', reason: 'Failed physio' });
    await statusIs(id, 'awaiting_senior_review');

    const page = await signIn(/Sam Senior/, '/staff/senior-review');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Senior review');
    await page.getByRole('link', { name: id }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Senior review before secondary care');
    await page.getByLabel('Does the patient want surgery').selectOption('yes');
    await page.getByLabel('Is the patient fit for surgery?').selectOption('yes');
    await page.getByLabel('Reason', { exact: true }).fill('Wants surgery after discussion; fit.');
    await page.getByRole('button', { name: 'Confirm: refer to secondary care' }).click();
    await page.getByText('Decision recorded').first().waitFor();
    await page.context().close();
    await statusIs(id, 'referred_to_secondary_care');
    expect((await statusOf(id)).outcome).toMatchObject({
      decidedBy: 'Sam Senior',
      decidedById: 'local-senior',
      surgery: { wants: 'yes', fit: 'yes' },
    });
  });

  it('clinic staff record the outcome of an appointment that is over, from Outcomes due', async () => {
    await svc.loadClinic('soon-clinic', { count: 3, firstInMs: 40 * 60_000, everyMs: 60 * 60_000 });
    // Booked, appointment not yet over: booked, but no outcome due.
    await svc.loadClinic('later-clinic', { count: 2, firstInMs: 5 * 86_400_000 });
    const later = await bookedPatient('07700 900610', (slot) => slot.startsWith('later-clinic#'));
    const id = await bookedPatient('07700 900611', (slot) => slot.startsWith('soon-clinic#'));
    // Half an hour's appointment at ten minutes a second: over in seconds, and the step opens.
    await svc.message((m) => m.to === 'clinic-team' && m.body.includes(id), 'the outcome request');

    const page = await signIn(/Cal Clinic/, '/staff');
    const due = page.getByRole('row', { name: /Outcomes due/ });
    expect(await due.getByRole('cell').nth(1).textContent()).toBe('1');
    await page.getByRole('link', { name: 'Outcomes due' }).first().click();
    expect(await page.getByRole('link', { name: later }).count()).toBe(0);
    await page.getByRole('link', { name: id }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Record the appointment outcome');
    await page.getByRole('button', { name: 'Attended — discharged' }).click();
    await page.getByRole('heading', { name: 'Outcome recorded' }).waitFor();
    await page.context().close();
    await statusIs(id, 'attended_discharged');
    const { timeline } = (await svc.status(id)) as { timeline: { type: string; actor: string }[] };
    expect(timeline).toContainEqual(expect.objectContaining({ type: 'appointment_outcome_recorded', actor: 'staff:local-clinic' }));
  });

  it('a service lead sets up a clinic and a weekly session, then cancels a date with a booked patient, who is not lost', async () => {
    const day = DateTime.fromJSDate(now(), { zone: SERVICE_TIME_ZONE }).plus({ days: 3 });
    const page = await signIn(/Lee Lead/, '/staff/clinics');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Clinics and timetables');
    await page.getByLabel('Short id').fill('leyland');
    await page.getByLabel('Name', { exact: true }).fill('Leyland Clinic');
    await page.getByLabel('Address').fill('1 Towngate, Leyland');
    await page.getByLabel('Postcode').fill('PR25 2LQ');
    await page.getByLabel('Service offered').selectOption('physiotherapy');
    await page.getByRole('button', { name: 'Add clinic' }).click();
    await page.getByRole('cell', { name: 'Leyland Clinic' }).first().waitFor();

    await page.getByLabel('Clinic', { exact: true }).selectOption('leyland');
    await page.getByLabel('Service', { exact: true }).selectOption('physiotherapy');
    await page.getByLabel('Who sees patients').selectOption('physiotherapist');
    await page.getByLabel('Day of the week').selectOption(String(day.weekday));
    await page.getByLabel('Starts at').fill('09:00');
    await page.getByLabel('Ends at').fill('10:00');
    await page.getByLabel('Appointment length in minutes').fill('30');
    await page.getByLabel('From (date)').fill(day.toISODate()!);
    await page.getByRole('button', { name: 'Add session' }).click();
    await page.getByText(/Session added/).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/timetable.png`, fullPage: true });

    const id = await bookedPatient(
      '07700 900612',
      (slot) => slot.startsWith(`leyland#${day.toUTC().toISODate()}`) || slot.startsWith('leyland#'),
    );
    await page.goto(`${svc.url}/staff/clinics`);
    await page
      .getByRole('button', { name: `Cancel ${day.toISODate()}` })
      .first()
      .click();
    await page.getByText(/booked patient\(s\) moved to the booking worklist and texted: /).waitFor();
    await page.context().close();
    await statusIs(id, 'booking_worklist');
    await svc.message((m) => m.to === '+447700900612' && /clinic cancelled your appointment/.test(m.body), 'the cancellation text');
  });
});
