/**
 * A referral nobody acts on does not loop until Step Functions' one-year limit ends it unseen: at
 * WORKFLOW_GIVE_UP_DAYS (2 here, under a clock 14,400 times faster: a day in 6 seconds) the triage
 * escalation stops, the referral is marked workflow_failed and the service lead is asked to act.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { resetConfig } from '../../shared/config.js';
import { getReferralWithTimeline } from '../../shared/store/referrals.js';
import { validReferral } from '../support/fixtures.js';
import { until } from '../support/harness.js';
import { type LocalService, startLocalService } from '../support/local-service.js';

let svc: LocalService;
beforeAll(async () => {
  process.env.WORKFLOW_GIVE_UP_DAYS = '2';
  resetConfig();
  svc = await startLocalService({ speedup: 14_400 });
});
afterAll(async () => {
  await svc?.stop();
  delete process.env.WORKFLOW_GIVE_UP_DAYS;
  resetConfig();
});

describe('giving up waiting', () => {
  it('ends an untriaged referral as workflow_failed with the service lead told, after the breach and escalation', async () => {
    const id = await svc.referAndGetId(validReferral());
    await until(() => svc.runtime.workflow.execution(id)?.status === 'FAILED', 'the workflow to stop', 30_000);
    const execution = svc.runtime.workflow.execution(id)!;
    expect(execution.states).toContain('TriageTimer');
    expect(execution.states.slice(-2)).toEqual(['RecordFailure', 'WorkflowFailed']);
    const status = await svc.status(id);
    expect(status.status).toBe('workflow_failed');
    const types = status.timeline.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['triage_sla_breached', 'workflow_failed', 'service_lead_alerted']));
    const { timeline } = (await getReferralWithTimeline(id))!;
    expect(timeline.find((e) => e.type === 'workflow_failed')!.detail).toEqual({ error: 'StoppedWaiting', stoppedFrom: 'awaiting_triage' });
    const alert = await svc.message(
      (m) => m.to === 'service-lead' && Boolean(m.subject?.startsWith('Action needed')) && m.body.includes(id),
      'the action-needed email',
    );
    expect(alert.body).toContain('nobody acted on it for 2 days since it arrived, so the workflow stopped waiting');
  });
});
