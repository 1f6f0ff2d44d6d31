/**
 * The waiting list over HTTP with the local runtime and DynamoDB Local: referrals stored with
 * timelines weeks and months old (as a service that has run for a year holds them), the booking
 * team's page listing the longest waiters (each one shown recorded as a view), the weekly CSV for
 * a commissioner as of the end of a Sunday, the figures' CSV, and who may see what.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LOCAL_STAFF } from '../../local/staff-identity.js';
import { now } from '../../shared/clock.js';
import { type Referral, type ReferralEvent, referralRequestSchema } from '../../shared/domain/referral.js';
import { DAY_MS } from '../../shared/domain/time.js';
import { newReferralId } from '../../shared/ids.js';
import { accessesToReferral } from '../../shared/services/access-log.js';
import { changeReferral, createReferral } from '../../shared/store/referrals.js';
import { withPatient } from '../support/fixtures.js';
import { type LocalService, STAFF_TOKEN, startLocalService, TOKEN } from '../support/local-service.js';

let svc: LocalService;
const person = (id: string) => LOCAL_STAFF.find((u) => u.id === id)!;
const BO = person('local-booking');
const TESS = person('local-triage');
const LEE = person('local-lead');
const page = (path: string, user: { id: string; name: string; roles: string[] }) =>
  fetch(`${svc.url}${path}`, { headers: { Cookie: svc.sessionCookie(user as never) }, redirect: 'manual' });
const asStaff = (path: string, token = STAFF_TOKEN) => fetch(`${svc.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });

/** Noon UK time `days` before today (UK date), so that days waited are exact whatever the hour of the run. */
function daysAgo(days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(now());
  const noonUtc = Date.parse(`${today}T12:00:00Z`) - days * DAY_MS;
  return new Date(noonUtc).toISOString();
}

/**
 * A referral as the workflow would have left it, received `days` ago: stored with its `received`
 * and `screened` events, then each later event as its own change (the status last given).
 */
async function stored(
  given: string,
  days: number,
  status: Referral['status'],
  events: [ReferralEvent['type'], number, Record<string, unknown>?][] = [],
  service = 'physiotherapy',
): Promise<string> {
  // As intake stores it: checked and normalised by the API's schema.
  const request = referralRequestSchema.parse(withPatient({ givenName: given, familyName: 'Waiter' }));
  const receivedAt = daysAgo(days);
  let referral: Referral = {
    ...request,
    id: newReferralId(),
    status,
    clientId: 'test-client',
    receivedAt,
    triageDueAt: receivedAt,
    updatedAt: receivedAt,
    version: 1,
    screening: { priority: 'routine', service: service as never, reasons: [], firstContact: 'triage' },
  };
  await createReferral(referral, { type: 'received', at: receivedAt, actor: 'client:test', detail: { source: 'gp' } });
  referral = await changeReferral(referral, {
    event: { type: 'screened', at: receivedAt, actor: 'system:screening', detail: { priority: 'routine', service } },
  });
  for (const [type, daysAfter, detail] of events)
    referral = await changeReferral(referral, {
      event: { type, at: new Date(Date.parse(receivedAt) + daysAfter * DAY_MS).toISOString(), actor: 'test', detail },
    });
  return referral.id;
}

const ids: Record<string, string> = {};

beforeAll(async () => {
  svc = await startLocalService();
  ids.year = await stored('Yara', 400, 'booking_worklist', [['booking_worklist', 1, { service: 'physiotherapy', priority: 'routine' }]]);
  ids.exactly52 = await stored('Wynn', 364, 'workflow_failed', [['workflow_failed', 300]], 'rheumatology');
  ids.dna = await stored('Dara', 90, 'awaiting_booking', [
    ['triage_decided', 1, { decision: 'accept', service: 'podiatry', priority: 'urgent' }],
    ['appointment_booked', 2, { start: daysAgo(10), slotId: 's1' }],
    ['appointment_outcome_recorded', 80, { outcome: 'did-not-attend', appointment: daysAgo(10) }],
    ['booking_invited', 80, { service: 'podiatry', priority: 'urgent' }],
  ]);
  ids.fresh = await stored('Fern', 3, 'awaiting_triage');
  // Seen 10 days ago: waited 50 days, then off the list.
  ids.seen = await stored('Sean', 60, 'attended_discharged', [
    ['triage_decided', 1, { decision: 'accept', service: 'physiotherapy', priority: 'routine' }],
    ['appointment_booked', 2, { start: daysAgo(10), slotId: 's2' }],
    ['appointment_outcome_recorded', 50, { outcome: 'attended-discharged', appointment: daysAgo(10) }],
  ]);
  // Returned to the referrer 20 days ago, after waiting 10.
  ids.returned = await stored('Rory', 30, 'returned_to_referrer', [['triage_decided', 10, { decision: 'return' }]]);
});
afterAll(() => svc?.stop());

describe('the waiting list', () => {
  it('shows the booking team everyone waiting now, longest first, counted by band, and records each view', async () => {
    const response = await page('/staff/waiting-list', BO);
    expect(response.status).toBe(200);
    const html = await response.text();
    const order = [...html.matchAll(/href="\/dashboard\/referrals\/(\w{26})"/g)].map((m) => m[1]);
    expect(order).toEqual([ids.year, ids.exactly52, ids.dna, ids.fresh]);
    expect(html).toContain('400 days (57 weeks 1 day)');
    expect(html).toContain('364 days (52 weeks 0 days)');
    expect(html).toMatch(/Yara Waiter[\s\S]*Over 52 weeks \(365 days or more\)/);
    expect(html).toMatch(/Wynn Waiter[\s\S]*18-52 weeks \(127-364 days\)[\s\S]*Rheumatology[\s\S]*workflow failed/);
    expect(html).toMatch(/Dara Waiter[\s\S]*90 days[\s\S]*Podiatry \(foot and ankle\)[\s\S]*urgent/);
    expect(html).toContain('href="tel:+447700900123"');
    expect(html).not.toContain('Sean Waiter');
    expect(html).not.toContain('Rory Waiter');
    // All services: one each in 0-1, 12-18, 18-52 and over 52 weeks: 4.
    expect(html.replaceAll('\n', '')).toMatch(
      /All services<\/td><td class="nhsuk-table__cell">1<\/td><td class="nhsuk-table__cell">0<\/td><td class="nhsuk-table__cell">0<\/td><td class="nhsuk-table__cell">0<\/td><td class="nhsuk-table__cell">1<\/td><td class="nhsuk-table__cell">1<\/td><td class="nhsuk-table__cell">1<\/td><td class="nhsuk-table__cell">4<\/td>/,
    );
    for (const id of [ids.year, ids.exactly52, ids.dna, ids.fresh])
      expect(await accessesToReferral(id!)).toContainEqual(expect.objectContaining({ userId: BO.id, what: 'Waiting list' }));
    expect(await accessesToReferral(ids.seen!)).toEqual([]);
    // Linked from the workspace home and every workspace page's menu, for the booking team.
    const home = await (await page('/staff', BO)).text();
    expect(home).toContain('<a href="/staff/waiting-list">Waiting list</a>: everyone waiting');
    expect(home).toMatch(/<a class="nhsuk-link" href="\/staff\/waiting-list">Waiting list<\/a>/);
  });

  it('is for the booking team and the service lead: a triage clinician is refused, a signed-out browser sent to sign in', async () => {
    expect((await page('/staff/waiting-list', LEE)).status).toBe(200);
    const refused = await page('/staff/waiting-list', TESS);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('booking-team');
    expect(await (await page('/staff', TESS)).text()).not.toContain('/staff/waiting-list');
    const signedOut = await fetch(`${svc.url}/staff/waiting-list`, { redirect: 'manual' });
    expect(signedOut.status).toBe(302);
    expect(new URL(signedOut.headers.get('location')!).searchParams.get('return')).toBe('/staff/waiting-list');
  });

  it('exports the weekly return as of the end of a Sunday: a row per service and one for all, a column per band', async () => {
    // The Sunday 21 to 27 days ago: Sean (seen 10 days ago) and Rory (returned 20 days ago) were still waiting then.
    let d = 21;
    while (new Date(daysAgo(d)).getUTCDay() !== 0) d++;
    const weekEnding = daysAgo(d).slice(0, 10);

    const response = await asStaff(`/waiting-list.csv?weekEnding=${weekEnding}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="msk-waiting-list-week-ending-${weekEnding}.csv"`);
    const lines = (await response.text()).trim().split('\n');
    expect(lines[0]).toBe(
      'Week ending (Sunday),Service code,Service,0-1 weeks (0-7 days),1-2 weeks (8-14 days),2-4 weeks (15-28 days),' +
        '4-12 weeks (29-84 days),12-18 weeks (85-126 days),18-52 weeks (127-364 days),Over 52 weeks (365 days or more),Total waiting',
    );
    const row = (code: string) => lines.find((l) => l.split(',')[1] === code)!.split(',');
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual([
      'physiotherapy',
      'rheumatology',
      'pain-management',
      'orthopaedic-triage',
      'podiatry',
      'spinal',
      'total',
    ]);
    // Then: Yara 400 - d days (over 52 weeks), Sean 60 - d (4-12), Rory 30 - d (3 to 9: 0-1 or 1-2); Wynn 364 - d
    // (18-52, rheumatology); Dara 90 - d (4-12, podiatry, before the appointment she missed); Fern not yet referred.
    const rory = 30 - d <= 7 ? ['1', '0'] : ['0', '1'];
    expect(row('physiotherapy')).toEqual([weekEnding, 'physiotherapy', 'Physiotherapy', ...rory, '0', '1', '0', '0', '1', '3']);
    expect(row('rheumatology').slice(3)).toEqual(['0', '0', '0', '0', '0', '1', '0', '1']);
    expect(row('podiatry').slice(2)).toEqual(['Podiatry (foot and ankle)', '0', '0', '0', '1', '0', '0', '0', '1']);
    expect(row('spinal').slice(3)).toEqual(['0', '0', '0', '0', '0', '0', '0', '0']);
    expect(row('total')).toEqual([weekEnding, 'total', 'All services', ...rory, '0', '2', '0', '1', '1', '5']);
  });

  it('defaults to the last complete week, and refuses a day that is not a Sunday or a week not yet ended, field by field', async () => {
    const response = await asStaff('/waiting-list.csv');
    expect(response.status).toBe(200);
    const weekEnding = (await response.text()).split('\n')[1]!.split(',')[0]!;
    expect(new Date(`${weekEnding}T12:00:00Z`).getUTCDay()).toBe(0);
    expect(Date.parse(daysAgo(0)) - Date.parse(`${weekEnding}T12:00:00Z`)).toBeGreaterThan(0);
    expect(Date.parse(daysAgo(0)) - Date.parse(`${weekEnding}T12:00:00Z`)).toBeLessThanOrEqual(7 * DAY_MS);

    const monday = new Date(Date.parse(`${weekEnding}T12:00:00Z`) - 6 * DAY_MS).toISOString().slice(0, 10);
    const nextSunday = new Date(Date.parse(`${weekEnding}T12:00:00Z`) + 7 * DAY_MS).toISOString().slice(0, 10);
    for (const [query, message] of [
      [monday, 'must be a Sunday (a week ends on Sunday)'],
      [nextSunday, `must be a Sunday whose week has ended (the latest is ${weekEnding})`],
      ['2026-02-30', 'is not a real date'],
    ]) {
      const refused = await asStaff(`/waiting-list.csv?weekEnding=${query}`);
      expect(refused.status, query).toBe(400);
      expect((await refused.json()).issues, query).toEqual([{ path: 'weekEnding', message }]);
    }
    // Staff only: no token, or a referrer's, is refused.
    expect((await fetch(`${svc.url}/waiting-list.csv`)).status).toBe(401);
    expect((await asStaff('/waiting-list.csv', TOKEN)).status).toBe(401);
  });

  it('adds the list as of now to /metrics and /metrics.csv when the period runs to today', async () => {
    const report = await (await asStaff('/metrics')).json();
    expect(report.waitingList.total).toEqual({
      weeks0to1: 1,
      weeks1to2: 0,
      weeks2to4: 0,
      weeks4to12: 0,
      weeks12to18: 1,
      weeks18to52: 1,
      over52Weeks: 1,
      total: 4,
    });
    const csv = (await (await asStaff('/metrics.csv')).text()).trim().split('\n');
    expect(
      csv
        .find((l) => l.startsWith('waiting_list,all,'))!
        .split(',')
        .slice(-8),
    ).toEqual(['1', '0', '0', '0', '1', '1', '1', '4']);
  });
});
