/**
 * The staff workspace over HTTP, as each role meets it: the queues with their counts, claiming,
 * deciding from a queue, booking on a patient's behalf, finding a referral with a recorded reason,
 * and the access log a service lead reads. Roles are refused pages that are not theirs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LOCAL_STAFF } from '../../local/staff-identity.js';
import { changeReferral, getReferral } from '../../shared/store/referrals.js';
import { validReferral, withPatient } from '../support/fixtures.js';
import { until } from '../support/harness.js';
import { type LocalService, startLocalService, TOKEN } from '../support/local-service.js';

let svc: LocalService;
const person = (id: string) => LOCAL_STAFF.find((u) => u.id === id)!;
const TESS = person('local-triage');
const BO = person('local-booking');
const LEE = person('local-lead');
const SAM_TRIAGE = { id: 'sam-triage', name: 'Sam Second', roles: ['triage-clinician' as const] };

type Person = { id: string; name: string; roles: string[] };
/** One session per person for the whole file (a form's token is bound to its session). */
const sessions = new Map<string, string>();
const cookieOf = (user: Person) =>
  sessions.get(user.id) ?? (sessions.set(user.id, svc.sessionCookie(user as never)), sessions.get(user.id)!);
const get = (path: string, user: Person) => fetch(`${svc.url}${path}`, { headers: { Cookie: cookieOf(user) }, redirect: 'manual' });
const csrfIn = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!;
async function post(path: string, user: Person, form: Record<string, string>, headers = {}) {
  const csrf = csrfIn(await (await get('/staff/find', user)).text());
  return fetch(`${svc.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookieOf(user), ...headers },
    body: new URLSearchParams({ csrf, ...form }).toString(),
  });
}

const ids = { urgent: '', routine: '', noMobile: '' };

beforeAll(async () => {
  svc = await startLocalService();
  await svc.loadClinic('work-clinic', { count: 6, firstInMs: 2 * 86_400_000 });
  ids.routine = await svc.referAndGetId(validReferral());
  ids.urgent = await svc.referAndGetId(validReferral({ redFlags: ['recent-trauma'] }));
  ids.noMobile = await svc.referAndGetId(
    withPatient({ nhsNumber: '9434765870', givenName: 'Nia', familyName: 'Okafor', mobile: undefined }),
  );
  await until(async () => (await svc.status(ids.noMobile)).status === 'awaiting_triage', 'triage to wait');
});
afterAll(() => svc?.stop());

describe('the staff workspace', () => {
  it('sends a browser without a session to sign in and back to the same queue', async () => {
    const response = await fetch(`${svc.url}/staff/triage?after=x`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.pathname).toBe('/staff/sign-in');
    expect(location.searchParams.get('return')).toBe('/staff/triage?after=x');
    // A return address that is not a path on this service is never followed.
    const signIn = await fetch(`${svc.url}/staff/sign-in?return=https://evil.example/x`, { redirect: 'manual' });
    const chooser = new URL(signIn.headers.get('location')!);
    const back = await fetch(chooser, { redirect: 'manual' });
    expect(back.status).toBe(200);
    expect(Buffer.from(/msk_sign_in=[^.]+\.[^.]+\.([^;]+)/.exec(signIn.headers.get('set-cookie')!)![1]!, 'base64url').toString()).toBe(
      '/staff',
    );
  });

  it('shows each person only their queues, with counts and the oldest, and refuses the others with 403', async () => {
    const home = await (await get('/staff', TESS)).text();
    expect(home).toMatch(/<a href="\/staff\/triage">Triage<\/a><\/td>\s*<td class="nhsuk-table__cell">3<\/td>/);
    expect(home).not.toContain('Booking worklist');
    const refused = await get('/staff/booking', TESS);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('booking-team');
    expect((await get('/staff/access', TESS)).status).toBe(403);
    // Signed in, but in no group yet: nothing.
    expect((await get('/staff', { id: 'new-starter', name: 'New Starter', roles: [] })).status).toBe(403);
    // Claiming is for the people who work the referral's queue.
    expect((await post(`/staff/claims/${ids.routine}`, LEE, { action: 'release', return: '/staff/triage' })).status).toBe(303);
    const boClaims = await fetch(`${svc.url}/staff/claims/${ids.routine}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookieOf(BO) },
      body: new URLSearchParams({ csrf: csrfIn(await (await get('/staff/find', BO)).text()), action: 'claim' }).toString(),
    });
    expect(boClaims.status).toBe(403);
    // The service lead sees every queue.
    expect(await (await get('/staff', LEE)).text()).toContain('Booking worklist');
  });

  it('lists triage overdue first, then by time left, each row opening its decision page', async () => {
    const page = await (await get('/staff/triage', TESS)).text();
    const order = [...page.matchAll(/href="(http:\/\/[^"]+\/tasks\/[^"]+)">(\w{26})</g)].map((m) => m[2]);
    expect(order).toEqual([ids.routine, ids.urgent, ids.noMobile]); // same 24 hours each: arrival order
    expect(page).toContain('recent-trauma');
    expect(page).toMatch(/23 h \d+ min left/);
  });

  it('lets one clinician claim a referral so that another sees who has it, and cannot take it', async () => {
    const claimed = await post(`/staff/claims/${ids.urgent}`, TESS, { action: 'claim', return: '/staff/triage' });
    expect(claimed.status).toBe(303);
    expect(new URL(claimed.headers.get('location')!).pathname).toBe('/staff/triage');
    const seen = await (await get('/staff/triage', SAM_TRIAGE)).text();
    expect(seen).toContain('Tess Triage until');
    const taken = await post(`/staff/claims/${ids.urgent}`, SAM_TRIAGE, { action: 'claim', return: '/staff/triage' });
    expect(await taken.text()).toContain(`${ids.urgent} is already claimed by Tess Triage`);
    // From another site, even with the cookie: refused.
    const forged = await post(
      `/staff/claims/${ids.urgent}`,
      SAM_TRIAGE,
      { action: 'release', return: '/staff/triage' },
      { Origin: 'https://evil.example' },
    );
    expect(forged.status).toBe(403);
    await post(`/staff/claims/${ids.urgent}`, TESS, { action: 'release', return: '/staff/triage' });
    expect(await (await get('/staff/triage', SAM_TRIAGE)).text()).not.toContain('Tess Triage until');
  });

  it("decides from the queue in the signed-in person's name; the referral leaves the queue", async () => {
    const page = await (await get('/staff/triage', TESS)).text();
    const link = new RegExp(`href="(http://[^"]+/tasks/[^"]+)">${ids.noMobile}<`).exec(page)![1]!;
    const decisionPage = await (await fetch(link, { headers: { Cookie: cookieOf(TESS) } })).text();
    const decided = await fetch(link, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookieOf(TESS) },
      body: new URLSearchParams({
        csrf: csrfIn(decisionPage),
        decision: 'accept',
        service: 'physiotherapy',
        priority: 'routine',
      }).toString(),
    });
    expect(decided.status).toBe(200);
    await until(async () => (await svc.status(ids.noMobile)).status === 'booking_worklist', 'the booking worklist');
    expect((await svc.status(ids.noMobile)).outcome).toMatchObject({ decidedBy: 'Tess Triage', decidedById: 'local-triage' });
    expect(await (await get('/staff/triage', TESS)).text()).not.toContain(ids.noMobile);
  });

  it('puts a patient to phone on the booking worklist, and the team books on their behalf', async () => {
    const list = await (await get('/staff/booking', BO)).text();
    expect(list).toContain('Nia Okafor');
    expect(list).toContain('No number: contact the practice');
    const link = new RegExp(`href="(http://[^"]+/tasks/[^"]+)">${ids.noMobile}<`).exec(list)![1]!;
    const bookingPage = await (await fetch(link, { headers: { Cookie: cookieOf(BO) } })).text();
    const slot = /name="slot" type="radio" value="([^"]+)"/.exec(bookingPage)![1]!;
    const booked = await fetch(link, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookieOf(BO) },
      body: new URLSearchParams({ csrf: csrfIn(bookingPage), slot }).toString(),
    });
    expect(booked.status).toBe(200);
    expect(await booked.text()).toContain('Appointment booked');
    await until(async () => (await svc.status(ids.noMobile)).status === 'booked', 'the booking');
    const timeline = (await svc.status(ids.noMobile)).timeline as { type: string; actor: string }[];
    expect(timeline).toContainEqual(expect.objectContaining({ type: 'appointment_booked', actor: 'staff:local-booking' }));
  });

  it('finds a referral by NHS number only with a reason, and records who looked and why', async () => {
    const noReason = await post('/staff/find', LEE, { q: '943 476 5870' });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('Say why you are looking');
    const found = await (await post('/staff/find', LEE, { q: '943 476 5870', reason: 'Patient phoned about appointment' })).text();
    expect(found).toContain(ids.noMobile);
    expect(found).toContain('Nia Okafor');

    const log = await (await get(`/staff/access?referral=${ids.noMobile}`, LEE)).text();
    expect(log).toContain('Patient phoned about appointment');
    expect(log).toContain('search result');
    expect(log).toContain('Tess Triage (local-triage)'); // the decision page
    expect(log).toContain('Booking worklist');
    const byUser = await (await get('/staff/access?user=local-booking', LEE)).text();
    expect(byUser).toContain('booking decision page');
  });

  it('lets the service lead close a journey that stopped, with a reason on its timeline; others may not', async () => {
    const id = await svc.referAndGetId(validReferral({ patient: { ...validReferral().patient, nhsNumber: '9434765919' } }));
    // The workflow has written all it will until triage: the email, then its event.
    await until(
      async () => (await svc.status(id)).timeline.some((e: { type: string }) => e.type === 'triage_team_emailed'),
      'the triage email recorded',
    );
    // As RecordFailure leaves a referral whose step kept failing.
    const referral = (await getReferral(id))!;
    await changeReferral(referral, {
      status: 'workflow_failed',
      event: { type: 'workflow_failed', at: new Date().toISOString(), actor: 'system:workflow' },
    });

    const list = await (await get('/staff/needs-action', LEE)).text();
    expect(list).toContain(id);
    expect((await post(`/staff/close/${id}`, TESS, { reason: 'x', return: '/staff/needs-action' })).status).toBe(403);
    const noReason = await post(`/staff/close/${id}`, LEE, { reason: ' ', return: '/staff/needs-action' });
    expect(await noReason.text()).toContain(`Give a reason to close ${id}`);
    const closed = await post(`/staff/close/${id}`, LEE, {
      reason: 'Phoned the patient and booked by hand',
      return: '/staff/needs-action',
    });
    expect(await closed.text()).toContain(`${id} closed.`);
    const after = await svc.status(id);
    expect(after.status).toBe('closed_by_service');
    expect(after.timeline).toContainEqual(expect.objectContaining({ type: 'closed_by_service', actor: 'staff:local-lead' }));
    expect(await (await get('/staff/needs-action', LEE)).text()).not.toContain(`>${id}<`);
  });

  it('refuses the wrong audience on every staff path: signed-out browsers, referrers, patients, other roles', async () => {
    const form = (headers: Record<string, string>, body: Record<string, string> = {}) => ({
      method: 'POST',
      redirect: 'manual' as const,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(body).toString(),
    });
    // Signed out: pages go to sign-in; forms change nothing (401).
    for (const path of ['/staff', '/staff/find', '/staff/access', '/staff/clinics'])
      expect((await fetch(`${svc.url}${path}`, { redirect: 'manual' })).status, path).toBe(302);
    for (const path of [
      `/staff/claims/${ids.urgent}`,
      `/staff/close/${ids.urgent}`,
      `/staff/retry/${ids.urgent}`,
      '/staff/find',
      '/staff/clinics',
    ])
      expect((await fetch(`${svc.url}${path}`, form({}, { action: 'claim' }))).status, path).toBe(401);
    // A referrer's token is not a staff session: sent to sign in, shown nothing.
    const referrer = await fetch(`${svc.url}/staff/triage`, { headers: { Authorization: `Bearer ${TOKEN}` }, redirect: 'manual' });
    expect(referrer.status).toBe(302);
    // A staff link on the patients' path is not a patient's page, and a patient's link on the staff path needs a staff session.
    const staffLink = new URL(await svc.linkFor(ids.urgent));
    expect((await fetch(`${svc.url}/a/${staffLink.pathname.split('/')[2]}`)).status).toBe(404);
    // Another role posting to the service lead's forms, with a valid form token: refused.
    const tessCsrf = csrfIn(await (await get('/staff/find', TESS)).text());
    const refused = await fetch(`${svc.url}/staff/clinics`, form({ Cookie: cookieOf(TESS) }, { csrf: tessCsrf, action: 'add-clinic' }));
    expect(refused.status).toBe(403);
    // Nor may they retry a stopped journey (the service lead's), with a valid form token either.
    const retry = await fetch(`${svc.url}/staff/retry/${ids.urgent}`, form({ Cookie: cookieOf(TESS) }, { csrf: tessCsrf }));
    expect(retry.status).toBe(403);
    expect(await retry.text()).toContain('service-lead');
    // The JSON admin API changes configuration: a service lead's, never another role's, even signed in.
    for (const user of [TESS, BO, SAM_TRIAGE]) {
      const token = svc.runtime.staffIdentity.mint(user);
      const clinic = { name: 'X', address: '1 Road', postcode: 'PR1 1AA', services: ['physiotherapy'] };
      expect((await svc.admin('PUT', '/admin/clinics/not-yours', clinic, token)).status, user.id).toBe(403);
      expect((await svc.admin('POST', '/admin/slots', { slots: [] }, token)).status, user.id).toBe(403);
    }
    expect(
      (
        await svc.admin(
          'PUT',
          '/admin/clinics/lead-clinic',
          { name: 'Lead', address: '1 Road', postcode: 'PR1 1AA', services: ['physiotherapy'] },
          svc.runtime.staffIdentity.mint(LEE),
        )
      ).status,
    ).toBe(200);
  });

  it('signs out from a button on every staff page: the session cookie is cleared and the staff pool signed out too', async () => {
    const signOut = /<form method="post" action="\/staff\/sign-out"/;
    for (const path of ['/staff', '/staff/triage', '/staff/find', '/staff/clinics'])
      expect(await (await get(path, LEE)).text(), path).toMatch(signOut);
    expect(await (await svc.open(await svc.linkFor(ids.routine))).text()).toMatch(signOut);
    // Opening the address only offers the button: a link from anywhere signs nobody out.
    const offered = await get('/staff/sign-out', LEE);
    expect(offered.status).toBe(200);
    expect(offered.headers.get('set-cookie')).toBeNull();
    // Posted from another site: refused, the session stays.
    const cross = { method: 'POST', redirect: 'manual' as const, headers: { Cookie: cookieOf(LEE), Origin: 'https://evil.example' } };
    const refused = await fetch(`${svc.url}/staff/sign-out`, cross);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('set-cookie')).toBeNull();

    const out = await fetch(`${svc.url}/staff/sign-out`, { method: 'POST', redirect: 'manual', headers: { Cookie: cookieOf(LEE) } });
    expect(out.status).toBe(302);
    expect(out.headers.get('set-cookie')).toMatch(/msk_staff=; HttpOnly; Secure; SameSite=Lax; Path=\/; Max-Age=0/);
    const logout = new URL(out.headers.get('location')!);
    expect(logout.pathname).toBe('/local/logout');
    expect(logout.searchParams.get('logout_uri')).toBe(`${svc.url}/staff/signed-out`);
    const back = await fetch(logout, { redirect: 'manual' });
    expect(back.headers.get('location')).toBe(`${svc.url}/staff/signed-out`);
    expect(await (await fetch(back.headers.get('location')!)).text()).toContain('You have signed out');
    // The browser, with its cookie gone, is sent to sign in again.
    expect((await fetch(`${svc.url}/staff`, { redirect: 'manual' })).headers.get('location')).toContain('/staff/sign-in');
    // The stand-in, as Cognito, returns only to this service.
    const elsewhere = new URL(logout);
    elsewhere.searchParams.set('logout_uri', 'https://evil.example/');
    expect((await fetch(elsewhere, { redirect: 'manual' })).status).toBe(400);
  });
});
