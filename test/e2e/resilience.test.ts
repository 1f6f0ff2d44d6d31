/**
 * Faults and contention against the local runtime, with faults injected where AWS would raise
 * them: SNS refusing texts and staff emails, a Lambda throwing, DynamoDB throttling and conditional
 * failures (answered on the wire, so the SDK's own retries run). Retries back off; a failure that
 * outlasts them ends in a status and a staff alert; no accepted referral is lost.
 *
 * The clock runs 100 times faster, so the definition's back-off (2 s doubling) takes 20 ms
 * doubling; jitter is off so that each pause is exactly the back-off and can be checked.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type FaultAttempt, Faults } from '../../local/faults.js';
import { lambdaContext, loadHandler } from '../../local/workflow-runner.js';
import { getReferralWithTimeline, referralsInStatus } from '../../shared/store/referrals.js';
import { recordFigures } from '../support/figures.js';
import { withPatient } from '../support/fixtures.js';
import { until } from '../support/harness.js';
import { type LocalService, startLocalService } from '../support/local-service.js';

const SPEEDUP = 100;
/** The definition's first retry interval (2 s) and back-off rate (2), at this speed, in ms. */
const FIRST_PAUSE_MS = 2000 / SPEEDUP;

const faults = new Faults();
let svc: LocalService;
const accepted: string[] = [];

beforeAll(async () => {
  svc = await startLocalService({ speedup: SPEEDUP, faults, retryPauseMs: undefined, retryJitter: false });
  await svc.loadClinic('fault-clinic', { count: 80, firstInMs: 2 * 86_400_000, everyMs: 1_800_000 });
});
afterEach(() => faults.clear());
afterAll(async () => {
  await svc?.stop();
});

let mobileCounter = 0;
/** A referral for a patient with their own fictional mobile (07700 900400 onwards). */
async function refer(): Promise<{ id: string; mobile: string }> {
  const n = mobileCounter++;
  const mobile = `07700 900${400 + n}`;
  const id = await svc.referAndGetId(withPatient({ mobile }));
  accepted.push(id);
  return { id, mobile: `+447700900${400 + n}` };
}
const statusIs = (id: string, wanted: string) =>
  until(async () => (await svc.status(id)).status === wanted, `${id} to be ${wanted}`, 20_000);
const events = async (id: string) => (await getReferralWithTimeline(id))!.timeline.map((e) => e.type);
const ended = (id: string) =>
  until(() => svc.runtime.workflow.execution(id)?.status !== 'RUNNING' && svc.runtime.workflow.execution(id), `${id}'s workflow to end`);
const emailTo = (audience: string, id: string) =>
  svc.message((m) => m.channel === 'email' && m.to === audience && m.body.includes(id), `an email to ${audience} about ${id}`);
const accept = { decision: 'accept', clinician: 'Jo Physio', service: 'physiotherapy', priority: 'routine' };
const pauses = (attempts: FaultAttempt[]) => attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);

describe('a Lambda that throws', () => {
  it('is retried with pauses that double, and the journey goes on once it recovers', async () => {
    faults.inject('lambda:screenReferral', 3);
    const { id } = await refer();
    await statusIs(id, 'awaiting_triage');
    const attempts = faults.attemptsAt('lambda:screenReferral');
    expect(attempts.map((a) => a.failed)).toEqual([true, true, true, false]);
    // Timers never fire early (1 ms of rounding aside): each pause is at least its back-off.
    pauses(attempts).forEach((pause, i) => expect(pause).toBeGreaterThanOrEqual(FIRST_PAUSE_MS * 2 ** i - 1));
    expect((await events(id)).filter((e) => e === 'screened')).toHaveLength(1);
  });

  it('that never recovers ends the journey as workflow_failed, with the service lead alerted', async () => {
    faults.inject('lambda:screenReferral');
    const { id } = await refer();
    expect((await ended(id)).states.slice(-2)).toEqual(['RecordFailure', 'WorkflowFailed']);
    expect(faults.attemptsAt('lambda:screenReferral')).toHaveLength(5); // the first try and four retries
    expect((await svc.status(id)).status).toBe('workflow_failed');
    const alert = await emailTo('service-lead', id);
    expect(alert.subject).toMatch(/Action needed.*stopped \(workflow_failed\)/);
    expect(alert.body).toContain(`${svc.url}/dashboard/referrals/${id}`);
    expect(await events(id)).toEqual(expect.arrayContaining(['workflow_failed', 'service_lead_alerted']));
  });
});

describe('SNS refusing messages', () => {
  it('does not hold up triage when the acknowledgement text cannot go: the booking team is asked to phone', async () => {
    faults.inject('sms');
    const { id } = await refer();
    await emailTo('triage-team', id);
    await statusIs(id, 'awaiting_triage');
    expect(faults.attemptsAt('sms').filter((a) => a.failed)).toHaveLength(5);
    const ask = await emailTo('booking-team', id);
    expect(ask.subject).toMatch(/Patient not texted/);
    expect(await events(id)).toEqual(expect.arrayContaining(['notification_failed', 'task_opened']));
  });

  it('ends as notification_failed, with the service lead alerted, when the booking invitation cannot go', async () => {
    const { id } = await refer();
    const link = await svc.linkFor(id);
    faults.inject('sms');
    expect((await svc.submit(link, accept)).status).toBe(200);
    await statusIs(id, 'notification_failed');
    const alert = await emailTo('service-lead', id);
    expect(alert.body).toMatch(/a message could not be sent/);
    expect((await ended(id)).status).toBe('FAILED');
  });

  it('puts an accepted patient on the booking worklist, saying why, when SNS will not check the opt-out list', async () => {
    const { id } = await refer();
    const link = await svc.linkFor(id);
    faults.inject('sms-opt-out-check');
    expect((await svc.submit(link, accept)).status).toBe(200);
    await statusIs(id, 'booking_worklist');
    const worklist = (await getReferralWithTimeline(id))!.timeline.find((e) => e.type === 'booking_worklist')!;
    expect(worklist.detail).toMatchObject({ reason: 'could not check the SMS opt-out list' });
    await emailTo('booking-team', id);
    expect(faults.attemptsAt('sms-opt-out-check')).toEqual([expect.objectContaining({ failed: true })]);
    expect(await events(id)).not.toContain('workflow_failed');
  });

  it('still marks the referral when staff cannot be alerted either; the failed execution is left for the alarm', async () => {
    faults.inject('sms').inject('staff-email');
    const { id } = await refer();
    expect((await ended(id)).status).toBe('FAILED');
    expect((await svc.status(id)).status).toBe('notification_failed');
    // Seven tries to alert (the first and six retries), each failing; the status was written once.
    expect(faults.attemptsAt('staff-email').length).toBeGreaterThanOrEqual(7);
    expect((await events(id)).filter((e) => e === 'notification_failed')).toHaveLength(1);
  });
});

describe('DynamoDB throttling and conflicts', () => {
  it('answers a throttled referral with 503 and Retry-After, stores nothing, and a retry with the key stores one', async () => {
    faults.inject('dynamodb-throttle');
    const body = withPatient({ mobile: '07700 900390' });
    const key = `throttled-${Date.now()}`;
    const refused = await svc.refer(body, { 'Idempotency-Key': key });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ error: 'service_busy' });
    // The SDK itself tried three times, backing off, before the handler gave up.
    expect(faults.attemptsAt('dynamodb-throttle').length).toBeGreaterThanOrEqual(3);
    faults.clear();
    const retried = await svc.refer(body, { 'Idempotency-Key': key });
    expect(retried.status).toBe(201);
    const { id } = (await retried.json()) as { id: string };
    accepted.push(id);
    expect((await svc.refer(body, { 'Idempotency-Key': key })).status).toBe(201); // a replay, not a second referral
    expect(svc.runtime.workflow.list().filter((e) => e.name === id)).toHaveLength(1);
  });

  it('shows a clinician "busy, nothing changed" when throttled, and takes the decision when resubmitted', async () => {
    const { id } = await refer();
    const link = await svc.linkFor(id);
    faults.inject('dynamodb-throttle');
    const busy = await svc.submit(link, accept);
    expect(busy.status).toBe(503);
    expect(await busy.text()).toContain('Nothing was changed');
    faults.clear();
    expect((await svc.submit(link, accept)).status).toBe(200);
    await until(
      async () => (await events(id)).includes('patient_texted') && (await svc.status(id)).status === 'awaiting_booking',
      'booking',
    );
    expect((await events(id)).filter((e) => e === 'triage_decided')).toHaveLength(1);
  });

  it('re-reads and retries a decision that loses a conditional write to another writer', async () => {
    const { id } = await refer();
    const link = await svc.linkFor(id);
    faults.inject('dynamodb-conflict', 2);
    expect((await svc.submit(link, accept)).status).toBe(200);
    expect(faults.attemptsAt('dynamodb-conflict').filter((a) => a.failed)).toHaveLength(2);
    expect((await events(id)).filter((e) => e === 'triage_decided')).toHaveLength(1);
  });
});

describe('Step Functions refusing to start', () => {
  it('keeps the referral, answers 503, and the 15-minute schedule starts its workflow once Step Functions is back', async () => {
    faults.inject('workflow-start');
    const refused = await svc.refer(withPatient({ mobile: '07700 900391' }));
    expect(refused.status).toBe(503);
    const [stored] = await until(async () => {
      const found: string[] = [];
      for await (const page of referralsInStatus('received', { before: '9' })) found.push(...page.map((r) => r.id));
      return found.length > 0 && found;
    }, 'the stored referral');
    accepted.push(stored!);
    expect(svc.runtime.workflow.execution(stored!)).toBeUndefined();
    faults.clear();
    // Five virtual minutes later (3 s at this clock), the schedule finds it and starts it (the
    // runtime runs the schedule too; whichever runs first starts it, once).
    const startStalled = await loadHandler('startStalledReferrals');
    await until(async () => {
      await startStalled({}, lambdaContext('startStalledReferrals'));
      return (await svc.status(stored!)).status === 'awaiting_triage';
    }, 'the sweep to start it');
    expect(svc.runtime.workflow.list().filter((e) => e.name === stored)).toHaveLength(1);
  });
});

describe('contention', () => {
  it('lets exactly one of 50 simultaneous bookings of one slot win', async () => {
    const patients = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const { id, mobile } = await refer();
        await svc.submit(await svc.linkFor(id), accept);
        const invite = await svc.message((m) => m.to === mobile && /book your/.test(m.body), `the invitation for ${id}`);
        return { id, link: /(http:\/\/\S+\/a\/[\w-]+\.[\w-]+)/.exec(invite.body)![1]! };
      }),
    );
    const page = await (await fetch(patients[0]!.link)).text();
    const slot = /name="slot" type="radio" value="([^"]+)"/.exec(page)![1]!;
    const responses = await Promise.all(patients.map((p) => svc.submit(p.link, { action: 'book', slot })));
    const codes = responses.map((r) => r.status);
    const stored = await Promise.all(patients.map((p) => getReferralWithTimeline(p.id)));
    const holders = stored.filter((r) => r?.referral.booking?.slotId === slot);
    recordFigures('resilience', { doubleBookings: Math.max(0, holders.length - 1) });
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 400)).toHaveLength(49);
    expect(holders).toHaveLength(1);
  }, 120_000);
});

describe('nothing lost', () => {
  it('has every referral accepted here stored, past "received", and either waiting for someone or ended visibly', async () => {
    const lost: string[] = [];
    for (const id of accepted) {
      const status = (await getReferralWithTimeline(id))?.referral.status;
      if (!status || status === 'received') lost.push(`${id}: ${status ?? 'not stored'}`);
    }
    recordFigures('resilience', { referralsLost: lost.length });
    expect(accepted.length).toBeGreaterThan(55);
    expect(lost).toEqual([]);
  });
});
