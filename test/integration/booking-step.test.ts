/**
 * The booking step, over DynamoDB Local.
 *
 * Its record exists before the workflow waits on it (PrepareBooking writes it; the AwaitBooking
 * callback attaches the token a moment later). A patient who books in between must get their
 * appointment, and the workflow must carry on from it when it starts waiting.
 *
 * Who books is decided by asking SNS whether the patient opted out of texts; when SNS will not
 * say, the booking team phones the patient rather than the journey failing.
 */
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { Faults } from '../../local/faults.js';
import { outboxNotifier } from '../../local/outbox.js';
import { LocalWorkflow } from '../../local/workflow-runner.js';
import { now } from '../../shared/clock.js';
import { slotIdOf } from '../../shared/domain/booking.js';
import { logger } from '../../shared/logger.js';
import { installAdapters } from '../../shared/ports/index.js';
import { stepFunctionsWorkflow } from '../../shared/ports/workflow.js';
import { prepareBooking } from '../../shared/services/booking.js';
import { submitDecision } from '../../shared/services/decisions.js';
import { bookForPatient } from '../../shared/services/steps/booking.js';
import { AlreadyDecidedError, openStep } from '../../shared/services/steps/index.js';
import { addSlot, putClinic } from '../../shared/store/clinics.js';
import { getReferral } from '../../shared/store/referrals.js';
import { getTask } from '../../shared/store/tasks.js';
import { validReferral } from '../support/fixtures.js';
import { until, workflowHarness } from '../support/harness.js';

const sfn = mockClient(SFNClient);
let h: Awaited<ReturnType<typeof workflowHarness>>;
beforeEach(async () => {
  sfn.reset();
  h = await workflowHarness();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** A referral waiting for triage (its workflow's last write before it waits is the email's event). */
async function waitingForTriage(body: unknown = validReferral()): Promise<string> {
  const id = await h.refer(body);
  await until(async () => (await h.load(id)).timeline.some((e) => e.type === 'triage_team_emailed'), 'triage to open');
  return id;
}

/** A free physiotherapy slot tomorrow; its id. */
async function freeSlotTomorrow(): Promise<string> {
  await putClinic('early-clinic', { name: 'Early Clinic', address: '1 High Street', postcode: 'PR7 1AA', services: ['physiotherapy'] });
  const start = new Date(now().getTime() + 86_400_000).toISOString();
  await addSlot({ clinicId: 'early-clinic', service: 'physiotherapy', start, lengthMinutes: 30, clinicianType: 'physiotherapist' });
  return slotIdOf('early-clinic', start);
}

describe('booking before the workflow waits', () => {
  it('keeps a booking made before the step has its token, and the workflow follows it when it starts waiting', async () => {
    // Prepare: a screened referral, a free slot, the booking step written (no token yet); decisions
    // resume the workflow through the Step Functions adapter, whose SDK refuses an empty token as AWS does.
    const id = await waitingForTriage();
    const slot = await freeSlotTomorrow();
    await prepareBooking(id);
    const referral = (await getReferral(id))!;
    const task = (await getTask(referral.openTask!.taskId))!;
    expect(task.token).toBe('');
    sfn.on(SendTaskSuccessCommand, { taskToken: '' }).rejects(
      Object.assign(new Error("1 validation error detected: Value '' at 'taskToken' failed to satisfy constraint"), {
        name: 'ValidationException',
      }),
    );
    installAdapters({ workflow: stepFunctionsWorkflow() });

    // Act: the patient books before AwaitBooking has attached a token.
    const booked = await bookForPatient(task, referral, { slot }, { by: 'patient', actor: 'patient:link' });

    // Assess: the booking stands (no error for the patient), Step Functions was not asked, and the
    // step, opening late, hands the workflow the booking.
    expect(booked).toMatchObject({ state: 'decided' });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect((await getReferral(id))!.status).toBe('booked');
    const late = openStep({ referralId: id, kind: 'booking', taskToken: 'token-attached-late' });
    await expect(late).rejects.toBeInstanceOf(AlreadyDecidedError);
    await expect(late).rejects.toThrow('{"route":"booked"}');
  });

  it('confirms the booking through the state machine when AwaitBooking opens after the patient booked', async () => {
    // The real ASL, with AwaitBooking's callback failing (and retried a second later) until the
    // patient has booked: the step then opens to a decided task and the workflow follows it.
    const faults = new Faults();
    const workflow = new LocalWorkflow({ retryPauseMs: 1000, beforeInvoke: faults.beforeInvoke });
    installAdapters({ workflow });
    try {
      const id = await waitingForTriage();
      const slot = await freeSlotTomorrow();
      const email = h.messages({ channel: 'email', to: 'triage-team' }).find((m) => m.body.includes(id))!;
      const signed = /\/tasks\/(\S+)/.exec(email.body)![1]!;
      faults.inject('lambda:openTask');
      const accept = { decision: 'accept', service: 'physiotherapy', priority: 'routine' };
      const jo = { id: 'jo-1', name: 'Jo Physio', roles: ['triage-clinician' as const] };
      expect(await submitDecision(signed, accept, jo)).toMatchObject({ state: 'decided' });
      await until(() => faults.attemptsAt('lambda:openTask').some((a) => a.failed), 'AwaitBooking to try to open');
      const referral = (await getReferral(id))!;
      const task = (await getTask(referral.openTask!.taskId))!;
      expect(task).toMatchObject({ kind: 'booking', token: '' });

      expect(await bookForPatient(task, referral, { slot }, { by: 'patient', actor: 'patient:link' })).toMatchObject({ state: 'decided' });
      faults.clear('lambda:openTask');

      await until(() => h.messages({ channel: 'sms' }).find((m) => m.body.includes('booked:')), 'the booking confirmation text');
      const states = workflow.execution(id)!.states;
      expect(states.slice(states.lastIndexOf('AwaitBooking'))).toEqual(
        expect.arrayContaining(['ReadRecordedDecision', 'UseRecordedDecision', 'RouteDecision', 'ConfirmBooking']),
      );
      expect(states).not.toContain('RecordFailure');
      expect((await getReferral(id))!.status).toBe('booked');
    } finally {
      workflow.stop();
    }
  });
});

describe('the SMS opt-out check', () => {
  it('puts the patient on the booking worklist, saying why, when SNS will not say whether they opted out', async () => {
    // Prepare: a patient who could book by text (mobile, free slot), and SNS throttling the check.
    const id = await waitingForTriage();
    await freeSlotTomorrow();
    const faults = new Faults().inject('sms-opt-out-check');
    installAdapters({ notifier: faults.notifier(outboxNotifier(h.outbox)) });
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);

    // Act
    const prepared = await prepareBooking(id);

    // Assess: the booking team books; the timeline says why; the log names the error, not the number.
    expect(prepared.channel).toBe('staff');
    const { referral, timeline } = await h.load(id);
    expect(referral.status).toBe('booking_worklist');
    expect(timeline.at(-1)).toMatchObject({ type: 'booking_worklist', detail: { reason: 'could not check the SMS opt-out list' } });
    expect(faults.attemptsAt('sms-opt-out-check')).toEqual([expect.objectContaining({ failed: true })]);
    expect(warn).toHaveBeenCalledWith(expect.any(String), { errorName: 'ThrottledException' });
    expect(JSON.stringify(warn.mock.calls)).not.toMatch(/7700\s?900123/);
  });
});
