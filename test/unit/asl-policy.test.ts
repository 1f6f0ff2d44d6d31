/**
 * The workflow's failure policy, written once here and checked on every Task, so that a new state
 * cannot forget it: errors that no retry can cure are not retried; anything else is retried with
 * exponential back-off and full jitter (2 s, doubling, 4 retries, at most 60 s apart); and whatever
 * outlasts the retries goes to RecordFailure, which marks the referral and tells the service lead.
 */
import { describe, expect, it } from 'vitest';

import { type AslState, isCallbackTask, loadDefinition } from '../../local/definition.js';
import { BusyError, ConcurrentChangeError, UnavailableError } from '../../shared/store/errors.js';

const definition = loadDefinition();
const states = Object.entries(definition.States);
const tasks = states.filter(([name, s]) => s.Type === 'Task' && name !== 'RecordFailure');

/** Errors a retry cannot cure: bad input, a referral that is not there, a step decided already. */
const NOT_RETRIED = ['InvalidTaskInput', 'ReferralNotFound', 'AlreadyDecided'];
const BACK_OFF = { IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 4, MaxDelaySeconds: 60, JitterStrategy: 'FULL' };
const TO_RECORD_FAILURE = { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' };
/** The acknowledgement withheld (its number had its day of self-referral texts) is final for that text. */
const isAcknowledgement = (s: AslState) =>
  (s.Parameters as { Payload?: { template?: string } } | undefined)?.Payload?.template === 'acknowledgement';
/** The sleep until an appointment's next moment: a callback so that a change can wake it, not a person's decision. */
const isAppointmentSleep = (s: AslState) => (s.Parameters as { Payload?: { action?: string } } | undefined)?.Payload?.action === 'sleep';

/** A timer that finds the referral too old to keep waiting fails at once (WORKFLOW_GIVE_UP_DAYS). */
const isTimer = (s: AslState) =>
  String((s.Parameters as { FunctionName?: string } | undefined)?.FunctionName)
    .toLowerCase()
    .includes('tasktimer');

describe('the failure policy of every Task', () => {
  it.each(tasks)('%s: no retry for what cannot be cured, back-off for the rest, RecordFailure at the end', (_, state) => {
    const callback = isCallbackTask(state);
    const notRetried = [
      ...NOT_RETRIED,
      ...(callback ? ['States.Timeout'] : []),
      ...(isTimer(state) ? ['StoppedWaiting'] : []),
      ...(isAcknowledgement(state) ? ['TextWithheld'] : []),
    ];
    expect(state.Retry).toEqual([
      { ErrorEquals: notRetried, MaxAttempts: 0 },
      // A callback's timeout is its timer firing, not a failure: it is caught, never retried.
      { ErrorEquals: callback ? ['States.TaskFailed'] : ['States.TaskFailed', 'States.Timeout'], ...BACK_OFF },
    ]);
    expect(state.Catch!.at(-1)).toEqual(TO_RECORD_FAILURE);
  });

  it.each(tasks.filter(([, s]) => isCallbackTask(s) && !isAppointmentSleep(s)))(
    '%s (waits for a person): times out into its timer, and follows a decision recorded meanwhile',
    (_, state) => {
      expect(state.TimeoutSeconds ?? state.TimeoutSecondsPath).toBeDefined();
      expect(state.Catch![0]).toMatchObject({ ErrorEquals: ['States.Timeout'], ResultPath: null });
      expect(state.Catch![1]).toEqual({ ErrorEquals: ['AlreadyDecided'], ResultPath: '$.recorded', Next: 'ReadRecordedDecision' });
    },
  );

  it.each(tasks.filter(([, s]) => !isCallbackTask(s)))('%s (a Lambda call): gives up on an attempt after 30 s', (_, state) => {
    expect(state.TimeoutSeconds).toBe(30);
  });

  it('WaitForAppointment (a callback a change to the appointment wakes): its timeout and its wake both re-check the appointment', () => {
    const sleep = definition.States.WaitForAppointment!;
    expect(isAppointmentSleep(sleep)).toBe(true);
    expect(sleep.TimeoutSecondsPath).toBe('$.appointment.waitSeconds');
    expect(sleep.Catch![0]).toEqual({ ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'CheckAppointment' });
    expect(sleep.Next).toBe('CheckAppointment');
  });

  it('RecordFailure keeps trying longer (6 retries, up to 2 minutes apart) and ends the execution as failed', () => {
    const record = definition.States.RecordFailure!;
    expect(record.Retry).toEqual([
      { ErrorEquals: ['States.TaskFailed', 'States.Timeout'], ...BACK_OFF, MaxAttempts: 6, MaxDelaySeconds: 120 },
    ]);
    expect(record.Catch).toBeUndefined();
    expect(record.Next).toBe('WorkflowFailed');
  });
});

describe('the store\'s errors that say "try again"', () => {
  /** As Step Functions chooses: the first retrier naming the error, States.TaskFailed (any error but a timeout) or States.ALL. */
  const retrierFor = (state: AslState, name: string) =>
    state.Retry?.find((r) => r.ErrorEquals.some((e) => e === name || e === 'States.TaskFailed' || e === 'States.ALL'));

  it.each([new BusyError(), new UnavailableError(), new ConcurrentChangeError()].map((e) => e.name))(
    '%s is retried with back-off by every Task, RecordFailure included',
    (name) => {
      for (const [stateName, state] of states.filter(([, s]) => s.Type === 'Task')) {
        expect(retrierFor(state, name)?.MaxAttempts, stateName).toBeGreaterThan(0);
      }
    },
  );
});

describe('the workflow reads top to bottom', () => {
  it.each(states.filter(([, s]) => s.Type === 'Choice'))('%s says what it asks in a Comment', (_, state) => {
    expect(String(state.Comment ?? '').length).toBeGreaterThan(20);
  });
});
