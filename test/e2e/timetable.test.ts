/**
 * Clinics and timetables from the service lead's pages: a clinic and a weekly session set up in the
 * browser's forms make bookable slots; cancelling a date with a booked patient loses nobody: the
 * patient is moved to the booking worklist, texted a link to choose again, and books another time.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LOCAL_STAFF } from '../../local/staff-identity.js';
import { now } from '../../shared/clock.js';
import { validReferral } from '../support/fixtures.js';
import { until } from '../support/harness.js';
import { type LocalService, startLocalService } from '../support/local-service.js';

let svc: LocalService;
const LEE = LOCAL_STAFF.find((u) => u.id === 'local-lead')!;
const TESS = LOCAL_STAFF.find((u) => u.id === 'local-triage')!;
let cookie: string;
const csrfIn = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!;

async function act(form: Record<string, string>): Promise<Response> {
  const page = await (await fetch(`${svc.url}/staff/clinics`, { headers: { Cookie: cookie } })).text();
  return fetch(`${svc.url}/staff/clinics`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
    body: new URLSearchParams({ csrf: csrfIn(page), ...form }).toString(),
  });
}

/** Two days ahead (UK), so that the session's slots are all in the future and in a patient's window. */
const day = () => DateTime.fromJSDate(now(), { zone: 'Europe/London' }).plus({ days: 2 });

beforeAll(async () => {
  svc = await startLocalService();
  cookie = svc.sessionCookie(LEE);
});
afterAll(() => svc?.stop());

describe('clinics and timetables', () => {
  it('is the service lead’s: others are refused', async () => {
    const refused = await fetch(`${svc.url}/staff/clinics`, { headers: { Cookie: svc.sessionCookie(TESS) } });
    expect(refused.status).toBe(403);
  });

  it('sets up a clinic and a weekly session, whose slots patients can book; a bad session is refused field by field', async () => {
    const clinic = await act({
      action: 'add-clinic',
      newClinicId: 'chorley',
      name: 'Chorley Clinic',
      address: '1 Market St',
      postcode: 'PR7 1AA',
      services: 'physiotherapy',
    });
    expect(clinic.status).toBe(200);
    expect(await clinic.text()).toContain('Clinic Chorley Clinic added');

    const bad = await act({
      action: 'add-session',
      clinicId: 'chorley',
      service: 'physiotherapy',
      clinicianType: 'physiotherapist',
      weekday: String(day().weekday),
      start: '12:00',
      end: '09:00',
      slotMinutes: '30',
      from: day().toISODate()!,
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('The end must be after the start');

    const session = {
      action: 'add-session',
      clinicId: 'chorley',
      service: 'physiotherapy',
      clinicianType: 'physiotherapist',
      weekday: String(day().weekday),
      start: '09:00',
      end: '10:00',
      slotMinutes: '30',
      from: day().toISODate()!,
    };
    const added = await act(session);
    expect(added.status).toBe(200);
    // Two slots a date; the dates 2, 9, 16, 23, 30 and 37 days ahead are within the six weeks.
    expect(await added.text()).toMatch(/Session added: 12 appointment slots made for the next 6 weeks/);
  });

  it('cancels a date with a booked patient without losing them: worklist, a text with a link, and a new booking', async () => {
    const id = await svc.referAndGetId(validReferral({ patient: { ...validReferral().patient, mobile: '07700 900555' } }));
    await svc.submit(await svc.linkFor(id), {
      decision: 'accept',
      service: 'physiotherapy',
      priority: 'routine',
      clinician: 'Tess Triage',
    });
    const invite = await svc.message((m) => m.to === '+447700900555' && /book your/.test(m.body), 'the invitation');
    const link = /(http:\/\/\S+\/a\/\S+)/.exec(invite.body)![1]!;
    const slot = /name="slot" type="radio" value="([^"]+)"/.exec(await (await fetch(link)).text())![1]!;
    expect((await svc.submit(link, { action: 'book', slot })).status).toBe(200);
    await until(async () => (await svc.status(id)).status === 'booked', 'the booking');
    await svc.message((m) => m.to === '+447700900555' && /booked:/.test(m.body), 'the confirmation');

    const sessionId = /session=([\w-]+)&amp;date=/.exec(
      await (await fetch(`${svc.url}/staff/clinics`, { headers: { Cookie: cookie } })).text(),
    )![1]!;
    const cancelled = await act({ action: 'cancel-date', sessionId, date: day().toISODate()! });
    expect(await cancelled.text()).toContain(`1 booked patient(s) moved to the booking worklist and texted: ${id}`);

    const after = await svc.status(id);
    expect(after.status).toBe('booking_worklist');
    expect(after.timeline).toContainEqual(expect.objectContaining({ type: 'appointment_cancelled_by_clinic', actor: 'staff:local-lead' }));
    const text = await svc.message(
      (m) => m.to === '+447700900555' && /clinic cancelled your appointment/.test(m.body),
      'the cancellation text',
    );
    // The slots of that date are no longer offered.
    const again = /(http:\/\/\S+\/a\/\S+)/.exec(text.body)![1]!;
    const offered = [...(await (await fetch(again)).text()).matchAll(/name="slot" type="radio" value="([^"]+)"/g)].map((m) => m[1]);
    expect(offered).not.toContain(slot);
    expect(offered.length).toBeGreaterThan(0);
    // The booking team sees them on the worklist; the patient books again from the text.
    expect(await (await fetch(`${svc.url}/staff/booking`, { headers: { Cookie: cookie } })).text()).toContain(id);
    expect((await svc.submit(again, { action: 'book', slot: offered[0]! })).status).toBe(200);
    await until(async () => (await svc.status(id)).status === 'booked', 'the new booking');
    // Confirmed at once with the link to change it (the workflow sleeps until the old appointment).
    const confirmations = () => svc.runtime.outbox.list().filter((m) => m.to === '+447700900555' && /booked:/.test(m.body));
    await until(() => confirmations().length === 2 || undefined, 'the new confirmation');
  });
});
