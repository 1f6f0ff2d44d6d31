/**
 * Phone first (FIRST_CONTACT_CALL=gp), over HTTP with the real ASL and DynamoDB Local: a GP
 * referral goes straight onto the call list (self-referrals in the same service still go to
 * triage); the physiotherapist records unanswered attempts (the patient is texted, the third falls
 * back to booking by text), a wrong number (the booking team, and no more texts), or the call's
 * outcome: booked during the call, advice, triage, senior review, emergency care, or declined.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LOCAL_STAFF } from '../../local/staff-identity.js';
import { getReferralWithTimeline } from '../../shared/store/referrals.js';
import { withPatient } from '../support/fixtures.js';
import { until } from '../support/harness.js';
import { type LocalService, startLocalService } from '../support/local-service.js';

let svc: LocalService;
const TESS = LOCAL_STAFF.find((u) => u.id === 'local-triage')!;
const BO = LOCAL_STAFF.find((u) => u.id === 'local-booking')!;
const SERVICE_PHONE = '01632 960123';

beforeAll(async () => {
  svc = await startLocalService({
    // No gap between attempts, so that a test can make three in a row (the gap has its own test).
    settings: { FIRST_CONTACT_CALL: 'gp', CALL_RETRY_HOURS: '0', SERVICE_PHONE },
  });
  await svc.loadClinic('call-clinic', { count: 8, firstInMs: 2 * 86_400_000 });
});
afterAll(() => svc?.stop());

/** A GP referral for a patient with their own mobile (07700 9001nn), so that their texts can be told apart. */
const referralFor = (n: number, patient: Record<string, unknown> = {}) =>
  withPatient({ mobile: `07700 9001${String(n).padStart(2, '0')}`, givenName: 'Ada', ...patient });
const e164 = (n: number) => `+4477009001${String(n).padStart(2, '0')}`;
const textsTo = (n: number) => svc.runtime.outbox.list().filter((m) => m.channel === 'sms' && m.to === e164(n));

const cookie = (user: typeof TESS) => svc.sessionCookie(user);
const page = (path: string, user = TESS) => fetch(`${svc.url}${path}`, { headers: { Cookie: cookie(user) }, redirect: 'manual' });

/** The call page's link, from the call list row (the physiotherapists' way in: nobody is emailed per call). */
async function callLink(id: string): Promise<string> {
  const list = await (await page('/staff/calls')).text();
  const link = new RegExp(`<a href="(http://[^"]+/tasks/[^"]+)">${id}</a>`).exec(list)?.[1];
  if (!link) throw new Error(`${id} is not on the call list`);
  return link;
}

async function onCallList(body: unknown): Promise<{ id: string; link: string }> {
  const id = await svc.referAndGetId(body);
  await until(async () => (await svc.status(id)).status === 'awaiting_call', 'the call list');
  // The step opens as the workflow waits on it: then the row links to the call page.
  const link = await until(() => callLink(id).catch(() => undefined), 'the call page link');
  return { id, link };
}

/** The stored timeline (the referrer's view leaves out the codes each event keeps). */
const eventsOf = async (id: string, type: string) => ((await getReferralWithTimeline(id))?.timeline ?? []).filter((e) => e.type === type);

describe('phone first: the first contact call', () => {
  it('puts a GP referral on the call list at once, with name and number; a self-referral in the same service goes to triage', async () => {
    const { id } = await onCallList(referralFor(1, { givenName: 'Callum', familyName: 'Reid' }));
    const list = await page('/staff/calls');
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(html).toContain('Callum Reid');
    expect(html).toContain('href="tel:+447700900101"');
    expect(html).toContain('07700 900101');
    // Seeing names and numbers is attributable.
    const access = await (
      await page(
        `/staff/access?referral=${id}`,
        LOCAL_STAFF.find((u) => u.id === 'local-lead')!,
      )
    ).text();
    expect(access).toContain('Call list');
    // Other roles do not work the call list.
    expect((await page('/staff/calls', BO)).status).toBe(403);

    const self = await svc.referAndGetId(
      withPatient({ mobile: '07700 900199' }, { source: 'self', referrer: undefined, redFlags: [] as string[] }),
    );
    await until(async () => (await svc.status(self)).status === 'awaiting_triage', 'the self-referral at triage');
    const screened = await eventsOf(self, 'screened');
    expect(screened[0]!.detail).toMatchObject({ firstContact: 'triage' });
  });

  it('books face to face during the call: the patient chooses among the window’s slots, and is texted the confirmation', async () => {
    const { id, link } = await onCallList(referralFor(2));
    const callPage = await svc.open(link, 'Pat Physio');
    expect(callPage.status).toBe(200);
    const body = await callPage.text();
    expect(body).toContain('First contact call');
    expect(body).toContain('Call Clinic');
    // Another service's appointments are a GET away: choosing what to show changes nothing.
    const podiatry = await svc.open(`${link}?service=podiatry&priority=urgent`, 'Pat Physio');
    expect(await podiatry.text()).toContain('No free Podiatry (foot and ankle) appointments in the urgent window');
    expect((await svc.status(id)).status).toBe('awaiting_call');

    const slot = /name="slot" type="radio" value="([^"]+)"/.exec(body)![1]!;
    // A booking without the clinical note is refused, field by field, and nothing is written.
    const noNote = await svc.submit(link, {
      clinician: 'Pat Physio',
      decision: 'book',
      slot,
      service: 'physiotherapy',
      priority: 'routine',
    });
    expect(noNote.status).toBe(400);
    expect(await noNote.text()).toContain('Write the clinical note of the call');
    expect((await svc.status(id)).status).toBe('awaiting_call');

    const booked = await svc.submit(link, {
      clinician: 'Pat Physio',
      decision: 'book',
      slot,
      service: 'physiotherapy',
      priority: 'routine',
      note: 'Discussed lower back pain; exercises given; face to face assessment booked.',
    });
    expect(booked.status).toBe(200);
    expect(await booked.text()).toContain('Appointment booked');
    const confirmation = await until(() => textsTo(2).find((m) => m.body.includes('booked:')), 'the confirmation text');
    expect(confirmation.body).toContain('Call Clinic');
    expect((await svc.status(id)).status).toBe('booked');
    const [bookedEvent] = await eventsOf(id, 'appointment_booked');
    expect(bookedEvent!.note).toEqual({ reason: 'Discussed lower back pain; exercises given; face to face assessment booked.' });
    expect(bookedEvent!.detail).toMatchObject({
      callOutcome: 'book',
      service: 'physiotherapy',
      priority: 'routine',
      decidedBy: 'Pat Physio',
    });
    // The link acts once.
    const again = await svc.submit(link, { clinician: 'Pat Physio', decision: 'self-management', note: 'x' });
    expect(again.status).toBe(409);
  });

  it('three unanswered attempts: the patient is texted after each of the first two, then offered booking by text', async () => {
    const { id, link } = await onCallList(referralFor(3));
    for (const attempt of [1, 2]) {
      const recorded = await svc.submit(link, { clinician: 'Pat Physio', decision: 'no-answer' });
      expect(recorded.status).toBe(200);
      expect(await recorded.text()).toContain(`${attempt} of 3 attempts`);
      await until(() => textsTo(3).length >= attempt || undefined, `the text after attempt ${attempt}`);
    }
    const missed = textsTo(3).filter((m) => m.body.includes('tried to phone you'));
    expect(missed).toHaveLength(2);
    // Service name and a number to call back; nothing clinical.
    expect(missed[0]!.body).toBe(
      `Hi Ada, MSK Service tried to phone you about your referral and will try again. To call us: ${SERVICE_PHONE}`,
    );
    expect((await svc.status(id)).status).toBe('awaiting_call');
    expect((await eventsOf(id, 'call_attempted')).map((e) => e.detail!.attempt)).toEqual([1, 2]);

    const last = await svc.submit(link, { clinician: 'Pat Physio', decision: 'no-answer', attemptNote: 'Voicemail full' });
    expect(last.status).toBe(200);
    expect(await last.text()).toContain('Not reached by phone');
    const invite = await until(() => textsTo(3).find((m) => m.body.includes('could not reach you by phone')), 'the booking invitation');
    expect(invite.body).toMatch(/Book: http:\/\/localhost:\d+\/a\/\S+$/);
    await until(async () => (await svc.status(id)).status === 'awaiting_booking', 'booking by the patient');
    expect((await eventsOf(id, 'call_outcome_recorded'))[0]!.detail).toMatchObject({ outcome: 'not-reached', attempts: 3 });
  });

  it('a wrong number: straight to the booking team, and that number is never texted again', async () => {
    const { id, link } = await onCallList(referralFor(4));
    const sent = textsTo(4).length; // the acknowledgement went before anyone knew
    const wrong = await svc.submit(link, { clinician: 'Pat Physio', decision: 'wrong-number', attemptNote: 'A Mr Smith answered' });
    expect(wrong.status).toBe(200);
    await until(async () => (await svc.status(id)).status === 'booking_worklist', 'the booking worklist');
    const worklist = (await eventsOf(id, 'booking_worklist'))[0]!;
    expect(worklist.detail).toMatchObject({ reason: 'the number on the referral reaches someone else' });
    const row = await (await page('/staff/booking', BO)).text();
    expect(row).toContain('The number is wrong: contact the practice');
    // Nor does the booking page lead the team to phone the stranger.
    const bookingPage = await (await fetch(await svc.linkFor(id, 'booking-team'), { headers: { Cookie: cookie(BO) } })).text();
    expect(bookingPage).toContain('reaches someone else: contact the GP practice');
    expect(bookingPage).not.toContain('900104');
    expect(textsTo(4)).toHaveLength(sent);
  });

  it('no number to call at all: offered booking at once, by the booking team, never on the call list', async () => {
    const id = await svc.referAndGetId(withPatient({ nhsNumber: '9434765870', mobile: undefined }));
    await until(async () => (await svc.status(id)).status === 'booking_worklist', 'the booking worklist');
    expect((await eventsOf(id, 'screened'))[0]!.detail).toMatchObject({ firstContact: 'booking' });
    expect((await eventsOf(id, 'task_opened')).filter((e) => e.detail?.kind === 'call')).toEqual([]);
    expect(await (await page('/staff/calls')).text()).not.toContain(id);
  });

  it('advice and self-management: the patient is texted the self-care link, and the referral closes', async () => {
    const { id, link } = await onCallList(referralFor(5));
    const done = await svc.submit(link, { clinician: 'Pat Physio', decision: 'self-management', note: 'Advice on pacing and exercise.' });
    expect(done.status).toBe(200);
    await until(async () => (await svc.status(id)).status === 'closed_self_management', 'closed');
    await until(() => textsTo(5).find((m) => m.body.includes('/self-care')), 'the self-care text');
    expect((await eventsOf(id, 'call_outcome_recorded'))[0]!.detail).toMatchObject({ outcome: 'self-management', attempts: 0 });
    // Advice on the call was the patient's care: they are asked how they are and how it was (the FFT), "Telephone" as the clinic.
    const followUp = await until(() => textsTo(5).find((m) => /how are you now, and how were we\?/.test(m.body)), 'the follow-up text');
    expect(followUp.body).toMatch(/\/a\//);
    expect((await eventsOf(id, 'questionnaire_invited')).map((e) => e.detail)).toEqual([
      { timepoint: 'baseline', questionnaires: ['pain', 'psfs'] },
      { timepoint: 'follow-up', questionnaires: ['pain', 'psfs', 'groc', 'fft'], clinic: 'Telephone' },
    ]);
  });

  it('declined: the referrer is told, and the referral closes', async () => {
    const { id, link } = await onCallList(referralFor(6));
    await svc.submit(link, { clinician: 'Pat Physio', decision: 'declined', note: 'Pain settled; does not want physiotherapy.' });
    await until(async () => (await svc.status(id)).status === 'closed_declined', 'closed as declined');
    const email = await svc.message(
      (m) => m.channel === 'email' && m.to === 'a.patel@example.nhs.uk' && m.body.includes(id),
      'the referrer',
    );
    expect(email.subject).toContain('declined');
    // No clinical note in an email.
    expect(email.body).not.toContain('Pain settled');
  });

  it('a red flag on the call: the service lead is told and the patient texted to go to A&E', async () => {
    const { id, link } = await onCallList(referralFor(7));
    const decided = await svc.submit(link, { clinician: 'Pat Physio', decision: 'emergency', note: 'New saddle numbness: sent to A&E.' });
    expect(await decided.text()).toContain('being redirected to emergency care');
    await until(async () => (await svc.status(id)).status === 'redirected_emergency', 'redirected');
    const lead = await svc.message((m) => m.to === 'service-lead' && m.body.includes(id), 'the service lead');
    expect(lead.subject).toContain('first contact call');
    await until(() => textsTo(7).find((m) => m.body.includes('go to A&E now')), 'the A&E text');
    // Once: a retried step does not text twice.
    expect(textsTo(7).filter((m) => m.body.includes('go to A&E now'))).toHaveLength(1);
  });

  it('needs triage: a fresh 24 hours, and the clinician reads the call’s note', async () => {
    const { id, link } = await onCallList(referralFor(8));
    await svc.submit(link, { clinician: 'Pat Physio', decision: 'triage', note: 'Complex history: needs a clinician to triage.' });
    await until(async () => (await svc.status(id)).status === 'awaiting_triage', 'triage');
    const triageLink = await svc.linkFor(id);
    const triagePage = await (await svc.open(triageLink)).text();
    expect(triagePage).toContain('First contact call');
    expect(triagePage).toContain('Complex history: needs a clinician to triage.');
    const status = await svc.status(id);
    expect(Date.parse(status.triageDueAt) - Date.parse(status.timeline.at(-1).at)).toBeGreaterThan(23 * 3_600_000);
  });

  it('needs senior review: the senior clinician sees what the call proposes, with its surgery answers', async () => {
    const { id, link } = await onCallList(referralFor(9));
    const missing = await svc.submit(link, { clinician: 'Pat Physio', decision: 'senior-review', note: 'Considering surgery.' });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('Choose the secondary care the senior clinician is asked to confirm');
    await svc.submit(link, {
      clinician: 'Pat Physio',
      decision: 'senior-review',
      destination: 'orthopaedic-surgery',
      wantsSurgery: 'yes',
      fitForSurgery: 'yes',
      note: 'Severe knee OA; wants to discuss replacement.',
    });
    await until(async () => (await svc.status(id)).status === 'awaiting_senior_review', 'senior review');
    const reviewLink = await svc.linkFor(id, 'senior-clinicians');
    const review = await (await svc.open(reviewLink)).text();
    expect(review).toContain('The first contact call by Pat Physio proposes');
    expect(review).toContain('Severe knee OA');
    expect((await eventsOf(id, 'call_outcome_recorded'))[0]!.detail).toMatchObject({ wantsSurgery: 'yes', fitForSurgery: 'yes' });
  });

  it('counts first contact and the calls’ outcomes on /metrics, /metrics.csv and the dashboard (after the journeys above)', async () => {
    const metrics = (await (await svc.admin('GET', '/metrics', undefined)).json()) as any;
    // Reached on the call: booked, advice, declined, emergency, triage, senior review (all at once).
    // Fell back: three unanswered attempts, a wrong number, no number. Still on the list: the first.
    expect(metrics.overall.firstContactWithinTarget).toMatchObject({ count: 6, of: 9, pending: 1, fellBack: 3, withinHours: 48 });
    expect(metrics.overall.callOutcomes).toEqual({
      calls: 8,
      selfManagement: 1,
      booked: 1,
      triage: 1,
      seniorReview: 1,
      emergency: 1,
      declined: 1,
      notReached: 2,
      managedByTelephoneAlone: { count: 1, of: 8, percent: 12.5 },
    });
    const csv = await (await svc.admin('GET', '/metrics.csv', undefined)).text();
    const [header, service] = csv.split('\n').map((line) => line.split(','));
    const column = (name: string) => service![header!.indexOf(name)];
    expect([column('first_contact_within_target'), column('first_contact_due'), column('call_not_reached')]).toEqual(['6', '9', '2']);
    const dashboard = await (await svc.admin('GET', '/dashboard', undefined)).text();
    expect(dashboard).toContain('First contact within 48 hours');
    expect(dashboard).toContain('Managed by telephone alone');
  });

  it('calls a patient with only a landline (never texted), and offers them booking by the team when not reached', async () => {
    const { id, link } = await onCallList(withPatient({ nhsNumber: '9434765870', mobile: undefined, phone: '01632 960321' }));
    const html = await (await page('/staff/calls')).text();
    expect(html).toContain('href="tel:+441632960321">01632 960321</a>');
    for (const attempt of [1, 2]) {
      const recorded = await svc.submit(link, { clinician: 'Pat Physio', decision: 'no-answer' });
      expect(await recorded.text()).toContain('No text was sent');
      expect((await eventsOf(id, 'call_attempted')).length).toBe(attempt);
    }
    await svc.submit(link, { clinician: 'Pat Physio', decision: 'no-answer' });
    await until(async () => (await svc.status(id)).status === 'booking_worklist', 'the booking worklist');
    expect((await eventsOf(id, 'patient_texted')).length).toBe(0);
  });

  it('advice given at triage after a call is not asked about: nobody spoke to the patient about it', async () => {
    const { id, link } = await onCallList(referralFor(21));
    await svc.submit(link, { clinician: 'Pat Physio', decision: 'triage', note: 'Needs a look at the scan report.' });
    const triage = await until(async () => {
      const list = await (await page('/staff/triage')).text();
      return new RegExp(`<a href="(http://[^"]+/tasks/[^"]+)">${id}</a>`).exec(list)?.[1];
    }, 'the triage link');
    await svc.submit(triage, { clinician: 'Jo Physio', decision: 'self-management' });
    await until(async () => (await svc.status(id)).status === 'closed_self_management', 'closed');
    await until(() => textsTo(21).find((m) => m.body.includes('/self-care')), 'the self-care text');
    await until(async () => svc.runtime.workflow.execution(id)?.status === 'SUCCEEDED', 'the workflow to end');
    expect((await eventsOf(id, 'questionnaire_invited')).map((e) => e.detail?.timepoint)).toEqual(['baseline']);
    expect(textsTo(21).some((m) => /how were we/.test(m.body))).toBe(false);
  });

  it('refuses the call page to people who do not make calls', async () => {
    const { id, link } = await onCallList(referralFor(10));
    const refused = await fetch(link, { headers: { Cookie: cookie(BO) } });
    expect(refused.status).toBe(403);
    // Nor may they post to it, even with their own session's form token.
    const boCookie = cookie(BO);
    const { csrfFor } = await import('../../shared/http/staff-pages.js');
    const csrf = await csrfFor(boCookie.slice(boCookie.indexOf('=') + 1));
    const post = (headers: Record<string, string>, form: Record<string, string>) =>
      fetch(link, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(form).toString(),
      });
    expect((await post({ Cookie: boCookie }, { csrf, decision: 'no-answer' })).status).toBe(403);
    // A signed-out browser is sent to sign in; another site's form is refused.
    const signedOut = await fetch(link, { redirect: 'manual' });
    expect(signedOut.status).toBe(302);
    expect(new URL(signedOut.headers.get('location')!).pathname).toBe('/staff/sign-in');
    const tess = cookie(TESS);
    const tessCsrf = await csrfFor(tess.slice(tess.indexOf('=') + 1));
    const crossSite = await post({ Cookie: tess, Origin: 'https://evil.example' }, { csrf: tessCsrf, decision: 'no-answer' });
    expect(crossSite.status).toBe(403);
    expect(await eventsOf(id, 'call_attempted')).toEqual([]);
  });
});
