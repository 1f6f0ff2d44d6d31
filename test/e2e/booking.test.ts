/**
 * Booking, over HTTP against the local runtime with the clock at 86,400 times (a day a second):
 * staff load a clinic and slots; patients book by text link, are chased, reminded, rearrange and
 * cancel; the clinic records outcomes; nothing is left in limbo.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { now } from '../../shared/clock.js';
import { newLinkId, signLink } from '../../shared/domain/links.js';
import { isSingleGsm7Fragment } from '../../shared/domain/sms.js';
import { keys } from '../../shared/tables.js';
import { expireLink, getItem } from '../support/dynamodb.js';
import { withPatient } from '../support/fixtures.js';
import { TEST_LINK_KEY, until } from '../support/harness.js';
import { type LocalService, startLocalService, TOKEN } from '../support/local-service.js';

const DAY = 86_400_000;
let svc: LocalService;
let unbooked: string;
const slotIds: string[] = [];

const status = (id: string) => svc.status(id);
const statusIs = (id: string, wanted: string) =>
  until(async () => (await status(id)).status === wanted && (await status(id)), `${id} to be ${wanted}`, 30_000);
const smsTo = (mobile: string, match: RegExp, what: string) =>
  svc.message((m) => m.channel === 'sms' && m.to === mobile && match.test(m.body), what);
/** Slots offered on a page (their ids carry their start), soonest first, at least `daysAhead` away. */
const offered = (page: string, daysAhead = 3) =>
  [...page.matchAll(/name="slot" type="radio" value="([^"]+)"/g)]
    .map((m) => m[1]!)
    .filter((id) => Date.parse(id.split('#')[1]!) > now().getTime() + daysAhead * DAY);
const linkIn = (text: string) => /(http:\/\/\S+\/a\/[\w-]+\.[\w-]+)/.exec(text)![1]!;

/** Refers a patient with their own mobile, has triage accept them, and returns the booking link. */
async function acceptedPatient(
  mobile: string,
  overrides: { service?: string; priority?: string; invited?: boolean } = {},
): Promise<{ id: string; link: string }> {
  const id = await svc.referAndGetId(withPatient({ mobile }));
  await svc.submit(await svc.linkFor(id), {
    decision: 'accept',
    clinician: 'Jo Physio',
    service: overrides.service ?? 'physiotherapy',
    priority: overrides.priority ?? 'routine',
  });
  if ((overrides.service ?? 'physiotherapy') !== 'physiotherapy' || overrides.invited === false) return { id, link: '' };
  const invite = await smsTo(`+44${mobile.replace(/\s/g, '').slice(1)}`, /book your .* appointment/, `the booking invitation for ${id}`);
  return { id, link: linkIn(invite.body) };
}

beforeAll(async () => {
  svc = await startLocalService({ speedup: 86_400, smsOptedOut: ['+447700900206'] });

  // Spread over the routine window: at a day a second, the test run itself takes weeks.
  expect(await svc.loadClinic('test-clinic', { count: 60, firstInMs: 2 * DAY, everyMs: 10 * 3_600_000 })).toEqual({
    added: 60,
    alreadyLoaded: 0,
  });
  // A referral nobody books, started first: its 14 days pass while the other tests run.
  unbooked = (await acceptedPatient('07700 900100')).id;
});
afterAll(async () => {
  await svc?.stop();
});

describe('loading clinics and slots', () => {
  it('needs staff sign-in: no token and a referrer token are both refused', async () => {
    expect((await svc.admin('PUT', '/admin/clinics/x-clinic', {}, 'nope')).status).toBe(401);
    expect((await svc.admin('PUT', '/admin/clinics/x-clinic', {}, TOKEN)).status).toBe(401);
  });

  it('validates like every other input, field by field, and never loads a slot twice', async () => {
    const bad = await svc.admin('POST', '/admin/slots', {
      slots: [{ clinicId: 'nowhere', service: 'physiotherapy', start: 'tomorrow', lengthMinutes: 0, clinicianType: 'x' }],
    });
    expect(bad.status).toBe(400);
    const paths = ((await bad.json()) as any).issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['slots.0.start', 'slots.0.lengthMinutes', 'slots.0.clinicianType']));
    const unknownClinic = await svc.admin('POST', '/admin/slots', {
      slots: [
        {
          clinicId: 'nowhere',
          service: 'physiotherapy',
          start: new Date(now().getTime() + DAY).toISOString(),
          lengthMinutes: 30,
          clinicianType: 'physiotherapist',
        },
      ],
    });
    expect(((await unknownClinic.json()) as any).issues).toEqual([{ path: 'slots.0.clinicId', message: 'is not a known clinic' }]);
  });
});

describe('booking by text link', () => {
  it('books, confirms, reminds 48 hours before, and records the outcome through the clinic link', async () => {
    const mobile = '+447700900201';
    const { id, link } = await acceptedPatient('07700 900201');
    expect((await status(id)).status).toBe('awaiting_booking');
    const invite = await smsTo(mobile, /book your/, 'the invitation');
    expect(isSingleGsm7Fragment(invite.body)).toBe(true);
    expect(invite.body).not.toMatch(/back|pain|Jones|9434765919/i);

    const page = await (await svc.open(link)).text();
    expect(page).toContain('Choose your appointment');
    const slot = offered(page)[0]!;
    slotIds.push(slot);
    const booked = await svc.submit(link, { action: 'book', slot });
    expect(booked.status).toBe(200);
    expect(await booked.text()).toContain('Appointment booked');
    const confirmation = await smsTo(mobile, /booked:/, 'the confirmation');
    expect(confirmation.body).toContain('Test Clinic');
    expect((await svc.open(link)).status).toBe(409); // the booking link has done its job

    await smsTo(mobile, /reminder:/, 'the 48-hour reminder');
    const outcomeEmail = await svc.message((m) => m.to === 'clinic-team' && m.body.includes(id), 'the outcome request');
    const outcomeLink = /(http:\/\/\S+\/tasks\/\S+)/.exec(outcomeEmail.body)![1]!;
    expect(await (await svc.open(outcomeLink)).text()).toContain('Attended — discharged');
    await svc.submit(outcomeLink, { decision: 'attended-discharged', clinician: 'Pat Clinic' });
    await statusIs(id, 'attended_discharged');
    await svc.message(
      (m) => m.to === 'a.patel@example.nhs.uk' && m.subject === `Referral ${id}: attended and discharged`,
      'the discharge email',
    );
    const timeline = (await status(id)).timeline.map((e: { type: string }) => e.type);
    expect(timeline).toEqual(
      expect.arrayContaining(['booking_invited', 'appointment_booked', 'appointment_reminder_sent', 'appointment_outcome_recorded']),
    );
    await until(() => svc.runtime.workflow.execution(id)?.status === 'SUCCEEDED', 'the workflow to end');
  }, 60_000);

  it('moves an appointment: the old slot is released in the same step, and the reminder is for the new time', async () => {
    const mobile = '+447700900202';
    const { id, link } = await acceptedPatient('07700 900202');
    const page = await (await svc.open(link)).text();
    const [first, second] = offered(page).slice(0, 2);
    await svc.submit(link, { action: 'book', slot: first! });
    const manage = linkIn((await smsTo(mobile, /booked:/, 'the confirmation')).body);
    const managePage = await (await svc.open(manage)).text();
    expect(managePage).toContain('Change your appointment');

    const moved = await svc.submit(manage, { action: 'rearrange', slot: second! });
    expect(await moved.text()).toContain('Appointment changed');
    const after = await status(id);
    expect(after.timeline.map((e: { type: string }) => e.type)).toContain('appointment_rearranged');
    // The first slot is free again: it is offered on the manage page.
    expect(await (await svc.open(manage)).text()).toContain(`value="${first}"`);
    const reminder = await smsTo(mobile, /reminder:/, 'the reminder');
    const times = svc.runtime.outbox
      .list()
      .filter((m) => m.to === mobile && /booked:/.test(m.body))
      .map((m) => /booked: (.*?) at/.exec(m.body)![1]);
    expect(times).toHaveLength(2);
    expect(reminder.body).toContain(times[1]);
  }, 60_000);

  it('moves an appointment earlier, before the old reminder was due: the workflow wakes, and reminds for the new time', async () => {
    const mobile = '+447700900209';
    const { id, link } = await acceptedPatient('07700 900209');
    // Book late in the window (the workflow sleeps until that one's reminder), then move it early.
    const choices = offered(await (await svc.open(link)).text(), 4);
    await svc.submit(link, { action: 'book', slot: choices.at(-1)! });
    const manage = linkIn((await smsTo(mobile, /booked:/, 'the confirmation')).body);
    const earlier = offered(await (await svc.open(manage)).text(), 4)[0]!;
    expect(Date.parse(earlier.split('#')[1]!)).toBeLessThan(Date.parse(choices.at(-1)!.split('#')[1]!) - 5 * DAY);
    expect(await (await svc.submit(manage, { action: 'rearrange', slot: earlier })).text()).toContain('Appointment changed');
    const newTime = /booked: (.*?) at/.exec(
      svc.runtime.outbox.list().findLast((m) => m.to === mobile && /booked:/.test(m.body))!.body,
    )![1]!;
    // Without the wake, the workflow would sleep past the new appointment, and no reminder would come.
    const reminder = await smsTo(mobile, /reminder:/, 'the reminder for the earlier time');
    expect(reminder.body).toContain(newTime);
    // The text goes first, then its event: wait for the event rather than race it.
    await until(
      async () => (await status(id)).timeline.some((e: { type: string }) => e.type === 'appointment_reminder_sent'),
      'the reminder on the timeline',
    );
  }, 60_000);

  it('cancels: the slot is freed, the referral closes as cancelled_by_patient, and the referrer is told', async () => {
    const mobile = '+447700900203';
    const { id, link } = await acceptedPatient('07700 900203');
    const slot = offered(await (await svc.open(link)).text())[0]!;
    await svc.submit(link, { action: 'book', slot });
    const manage = linkIn((await smsTo(mobile, /booked:/, 'the confirmation')).body);
    const cancelled = await svc.submit(manage, { action: 'cancel' });
    expect(await cancelled.text()).toContain('Appointment cancelled');
    await statusIs(id, 'cancelled_by_patient');
    await svc.message(
      (m) => m.to === 'a.patel@example.nhs.uk' && Boolean(m.subject?.includes('cancelled by the patient')) && m.body.includes(id),
      'the referrer email',
    );
    await smsTo(mobile, /is cancelled, as you asked/, 'the cancellation text');
  }, 60_000);

  it('lets exactly one of many simultaneous bookings of one slot win; the others are shown other slots', async () => {
    const patients = await Promise.all(Array.from({ length: 8 }, (_, i) => acceptedPatient(`07700 9003${String(i).padStart(2, '0')}`)));
    const slot = offered(await (await svc.open(patients[0]!.link)).text())[0]!;
    const responses = await Promise.all(patients.map((p) => svc.submit(p.link, { action: 'book', slot })));
    const codes = responses.map((r) => r.status);
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 400)).toHaveLength(patients.length - 1);
    const loser = await responses[codes.indexOf(400)]!.text();
    expect(loser).toContain('just been taken');
    expect(loser).toMatch(/name="slot" type="radio"/);
    expect(loser).not.toContain(`value="${slot}"`);
  }, 90_000);
});

describe('patient links', () => {
  it('show a friendly page, and change nothing, when tampered with, made up, or opened just to look', async () => {
    const { id, link } = await acceptedPatient('07700 900207');
    // The invitation is sent a moment before its event is written: start once the step waits.
    await until(() => svc.runtime.workflow.execution(id)?.states.includes('AwaitBooking'), 'the booking step to wait');
    const before = await status(id);
    for (let i = 0; i < 2; i++) expect((await svc.open(link)).status).toBe(200);
    expect(await status(id)).toEqual(before); // opening the link changed nothing
    const tampered = link.slice(0, -2) + (link.endsWith('AA') ? 'BB' : 'AA');
    const page = await svc.open(tampered);
    expect(page.status).toBe(404);
    const text = await page.text();
    expect(text).toContain('This link does not work');
    expect(text).not.toMatch(/Sam|Jones|Error:|at .*\.ts/);
    expect((await svc.submit(tampered, { action: 'book', slot: 'test-clinic#2030-01-01T00:00:00.000Z' })).status).toBe(404);
    expect(await status(id)).toEqual(before);

    // Past its expiry (as after the booking window), the link says so kindly and acts no more.
    await expireLink(link);
    const expired = await svc.open(link);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('This link has expired');
    expect((await svc.submit(link, { action: 'book', slot: 'test-clinic#2030-01-01T00:00:00.000Z' })).status).toBe(410);
    expect(await status(id)).toEqual(before);
  });
});

describe("a patient's link and the staff link to one booking step", () => {
  it('are different ids, each refused on the other path exactly as a made-up link is', async () => {
    const { id, link } = await acceptedPatient('07700 900208');
    await until(() => svc.runtime.workflow.execution(id)?.states.includes('AwaitBooking'), 'the booking step to wait');
    const before = await status(id);
    const patientSigned = new URL(link).pathname.split('/a/')[1]!;
    // The booking team's link to the same step names the task, which the text never carries.
    const { taskId } = (await getItem(keys.patientLink(patientSigned.split('.')[0]!)))!;
    expect(taskId).not.toBe(patientSigned.split('.')[0]);
    const staffLink = `${svc.url}/tasks/${signLink(taskId, 'staff', TEST_LINK_KEY)}`;
    expect((await svc.open(staffLink)).status).toBe(200);

    const madeUp = (path: string) => `${svc.url}${path}${signLink(newLinkId(), path === '/a/' ? 'patient' : 'staff', TEST_LINK_KEY)}`;
    const tampered = (path: string) => `${svc.url}${path}${newLinkId()}.${'A'.repeat(16)}`;
    const answer = async (url: string) => {
      const response = await svc.open(url);
      return { status: response.status, page: (await response.text()).replace(/\/(a|tasks)\/[\w.-]+/g, '') };
    };
    // The patient's text link on the staff path: not signed for staff, so refused before any lookup.
    const swapped = await answer(`${svc.url}/tasks/${patientSigned}`);
    expect(swapped).toEqual(await answer(tampered('/tasks/')));
    expect(swapped.page).not.toMatch(/Sam|Jones|NHS number|date of birth/i);
    expect((await svc.submit(`${svc.url}/tasks/${patientSigned}`, { action: 'book', slot: slotIds[0]! })).status).toBe(403);
    // The staff link on the patient's path, and the task's id signed as if for a patient.
    expect(await answer(`${svc.url}/a/${new URL(staffLink).pathname.split('/tasks/')[1]}`)).toEqual(await answer(tampered('/a/')));
    expect(await answer(`${svc.url}/a/${signLink(taskId, 'patient', TEST_LINK_KEY)}`)).toEqual(await answer(madeUp('/a/')));
    expect(await status(id)).toEqual(before);
  });
});

describe('nothing left in limbo', () => {
  it('chases an unbooked patient at 3 and 7 days, then closes as unable_to_contact and tells the referrer', async () => {
    await statusIs(unbooked, 'unable_to_contact');
    const chasers = svc.runtime.outbox.list().filter((m) => m.to === '+447700900100' && /reminder to book/.test(m.body));
    expect(chasers).toHaveLength(2);
    await svc.message(
      (m) => m.to === 'a.patel@example.nhs.uk' && Boolean(m.subject?.includes('unable to contact')) && m.body.includes(unbooked),
      'the referrer email',
    );
  }, 60_000);

  it('puts a referral with no free slot in its window on the booking worklist, and the team books it by link', async () => {
    const { id } = await acceptedPatient('07700 900204', { service: 'podiatry', priority: 'urgent' });
    const worklisted = await statusIs(id, 'booking_worklist');
    expect(worklisted.timeline.map((e: { type: string }) => e.type)).toContain('booking_worklist');
    const link = await svc.linkFor(id, 'booking-team');
    const page = await (await svc.open(link)).text();
    expect(page).toContain('Book an appointment');
    expect(page).toContain('There are no free appointments'); // no podiatry slots at all
  });

  it('puts a patient who opted out of texts on the worklist instead of texting them', async () => {
    const { id } = await acceptedPatient('07700 900206', { invited: false });
    const worklisted = await statusIs(id, 'booking_worklist');
    expect(worklisted.timeline.map((e: { type: string }) => e.type)).toContain('booking_worklist');
    await svc.linkFor(id, 'booking-team');
    expect(svc.runtime.outbox.list().filter((m) => m.to === '+447700900206' && /book/.test(m.body))).toEqual([]);
  });

  it('after a missed appointment invites once more, and closes after a second', async () => {
    const mobile = '+447700900205';
    const { id, link } = await acceptedPatient('07700 900205');
    const book = async (bookingLink: string) => {
      const slot = offered(await (await svc.open(bookingLink)).text(), 1)[0]!;
      await svc.submit(bookingLink, { action: 'book', slot });
    };
    const recordMissed = async (nth: number) => {
      const email = await until(
        () => {
          const found = svc.runtime.outbox.list().filter((m) => m.to === 'clinic-team' && m.body.includes(id));
          return found.length >= nth && found[nth - 1];
        },
        `outcome request ${nth}`,
        30_000,
      );
      await svc.submit(/(http:\/\/\S+\/tasks\/\S+)/.exec(email.body)![1]!, { decision: 'did-not-attend', clinician: 'Pat Clinic' });
    };
    await book(link);
    await recordMissed(1);
    const again = await smsTo(mobile, /we missed you/, 'the new invitation');
    await book(linkIn(again.body));
    // The new confirmation's "Change or cancel" link works for the new appointment (it is the link
    // made at the first booking, which had expired with the missed appointment).
    const second = await until(
      () => svc.runtime.outbox.list().filter((m) => m.to === mobile && /Change or cancel/.test(m.body))[1],
      'the second confirmation',
      30_000,
    );
    const appointmentPage = await svc.open(linkIn(second.body));
    expect(appointmentPage.status).toBe(200);
    expect(await appointmentPage.text()).toContain('Cancel');
    await recordMissed(2);
    await statusIs(id, 'closed_did_not_attend');
  }, 60_000);
});
