/**
 * The 24-hour triage target under a sped-up clock (14,400 times: a day in 6 seconds): the team is
 * reminded at 20 hours, the breach is recorded and the service lead told at 24, the referral keeps
 * waiting, and the link in the first email still works.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { metrics } from '../../shared/metrics.js';
import { validReferral } from '../support/fixtures.js';
import { until } from '../support/harness.js';
import { type LocalService, startLocalService } from '../support/local-service.js';

const HOUR = 3_600_000;
let svc: LocalService;
beforeAll(async () => {
  svc = await startLocalService({ speedup: 14_400 });
});
afterAll(async () => {
  await svc?.stop();
});

describe('triage SLA timer', () => {
  it('reminds at 20 hours, records the breach at 24, escalates, and keeps the first link working', async () => {
    const addMetric = vi.spyOn(metrics(), 'addMetric');
    const id = await svc.referAndGetId(validReferral());
    const link = await svc.linkFor(id);

    const reminder = await svc.message(
      (m) => m.to === 'triage-team' && Boolean(m.subject?.startsWith('Reminder')) && m.body.includes(id),
      'the reminder',
    );
    expect(reminder.body).toContain(link);
    const breach = await svc.message(
      (m) => m.to === 'service-lead' && Boolean(m.subject?.startsWith('Triage target missed')) && m.body.includes(id),
      'the breach email',
    );
    expect(breach.body).toContain(link);

    const status = await svc.status(id);
    expect(status.status).toBe('awaiting_triage');
    const at = (type: string) => Date.parse(status.timeline.find((e: { type: string }) => e.type === type).at);
    const received = Date.parse(status.receivedAt);
    // Virtual times. Each step runs some real milliseconds late, which this clock multiplies by
    // 14,400 (a busy machine's half second is two virtual hours), so the bounds are the promises
    // that matter: never early, the reminder before the deadline, the breach at it.
    expect(at('triage_reminder_sent') - received).toBeGreaterThanOrEqual(20 * HOUR);
    expect(at('triage_reminder_sent') - received).toBeLessThan(24 * HOUR);
    expect(at('triage_sla_breached') - received).toBeGreaterThanOrEqual(24 * HOUR);
    expect(at('triage_sla_breached') - received).toBeLessThan(30 * HOUR);
    expect(addMetric).toHaveBeenCalledWith('TriageSlaBreached', 'Count', 1);

    // A day later, the lead hears again; the referral is still waiting, not dropped.
    await svc.message(
      (m) => m.to === 'service-lead' && Boolean(m.subject?.startsWith('Still untriaged')) && m.body.includes(id),
      'the daily escalation',
    );

    const decided = await svc.submit(link, {
      decision: 'accept',
      clinician: 'Late Clinician',
      service: 'physiotherapy',
      priority: 'routine',
    });
    expect(decided.status).toBe(200);
    await until(() => svc.runtime.workflow.execution(id)?.states.includes('AwaitBooking'), 'the referral to move on to booking');
    const after = await svc.status(id);
    expect(after.outcome).toMatchObject({ decision: 'accept', decidedBy: 'Late Clinician' });
    expect(after.timeline.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['triage_reminder_sent', 'triage_sla_breached', 'triage_still_overdue', 'triage_decided']),
    );
  }, 60_000);
});
