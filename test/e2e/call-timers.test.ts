/**
 * The first contact call's 48-hour target under a sped-up clock (14,400 times: a day in 6 seconds),
 * in a phone-first service: the call team is reminded at 40 hours, the missed target is recorded
 * and the service lead told at 48, the call stays on the list (escalated daily), and it can still
 * be made from the same page.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { LOCAL_STAFF } from '../../local/staff-identity.js';
import { metrics } from '../../shared/metrics.js';
import { validReferral } from '../support/fixtures.js';
import { until } from '../support/harness.js';
import { type LocalService, startLocalService } from '../support/local-service.js';

const HOUR = 3_600_000;
let svc: LocalService;
beforeAll(async () => {
  svc = await startLocalService({ speedup: 14_400, settings: { FIRST_CONTACT_CALL: 'gp' } });
});
afterAll(() => svc?.stop());

describe('first contact target', () => {
  it('reminds at 40 hours, records the missed target at 48, escalates daily, and keeps the call on the list', async () => {
    const addMetric = vi.spyOn(metrics(), 'addMetric');
    const id = await svc.referAndGetId(validReferral());
    const reminder = await svc.message(
      (m) => m.to === 'triage-team' && Boolean(m.subject?.startsWith('Reminder: first contact call')) && m.body.includes(id),
      'the reminder',
    );
    const missed = await svc.message(
      (m) => m.to === 'service-lead' && Boolean(m.subject?.startsWith('First contact target missed')) && m.body.includes(id),
      'the missed target',
    );
    // The emails carry the call page's link, and no patient details.
    const link = /(http:\/\/\S+\/tasks\/\S+)/.exec(missed.body)![1]!;
    expect(reminder.body).toContain(link);
    expect(missed.body).not.toContain('Sam');
    expect(missed.body).not.toContain('9434765919');

    const status = await svc.status(id);
    expect(status.status).toBe('awaiting_call');
    const at = (type: string) => Date.parse(status.timeline.find((e: { type: string }) => e.type === type).at);
    const received = Date.parse(status.receivedAt);
    // Virtual times: never early, the reminder before the target, the breach at it (see triage-timers).
    expect(at('call_reminder_sent') - received).toBeGreaterThanOrEqual(40 * HOUR);
    expect(at('call_reminder_sent') - received).toBeLessThan(48 * HOUR);
    expect(at('call_target_missed') - received).toBeGreaterThanOrEqual(48 * HOUR);
    expect(at('call_target_missed') - received).toBeLessThan(54 * HOUR);
    expect(addMetric).toHaveBeenCalledWith('FirstContactTargetMissed', 'Count', 1);

    await svc.message(
      (m) => m.to === 'service-lead' && Boolean(m.subject?.startsWith('Still not called')) && m.body.includes(id),
      'the daily escalation',
    );
    const list = await (
      await fetch(`${svc.url}/staff/calls`, { headers: { Cookie: svc.sessionCookie(LOCAL_STAFF.find((u) => u.id === 'local-triage')!) } })
    ).text();
    expect(list).toContain(id);
    expect(list).toMatch(/Overdue by/);

    const made = await svc.submit(link, { clinician: 'Late Physio', decision: 'declined', note: 'Reached at last; better now.' });
    expect(made.status).toBe(200);
    await until(async () => (await svc.status(id)).status === 'closed_declined', 'closed');
  }, 90_000);
});
