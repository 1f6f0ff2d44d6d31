/**
 * The workflow's routes in milliseconds: the real ASL file run by aws-local-stepfunctions with every
 * Task stubbed (no DynamoDB, no handlers), one test per path a referral can take. What each Task
 * does is tested with its step (steps.test.ts) and end to end (test/e2e); this is the wiring:
 * which state follows which answer, what reaches each Task's input, and how a path ends.
 */
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';

import { adaptForLocalRun, isCallbackTask, loadDefinition, LOCAL_TIMEOUT_PARAMETER } from '../../local/definition.js';
import type { Routing } from '../../shared/domain/referral.js';
import { ROUTES } from '../../shared/domain/vocabulary.js';
import { retryEntry } from '../../shared/services/steps/index.js';

// As the local runner adapts it (once, at normal speed): the one change is that a callback Task's
// timeout is passed to it as a parameter, since this runner reads TimeoutSecondsPath from the
// effective input where AWS reads it from the state input. So each wait's length is visible here.
const definition = adaptForLocalRun(loadDefinition(), 1, { retryJitter: false });
const machine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
const taskStates = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task');
const noPauses = Object.fromEntries(Object.keys(definition.States).map((name) => [name, 0]));

/** An error as a Lambda (or Step Functions itself) reports it: the name is what Retry and Catch match. */
function failure(name: string, message = '{}'): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

type Answer = unknown | Error;
/** What each stubbed Task answers, in turn (the last answer repeats). Lambda answers are their Payload. */
type Script = Record<string, Answer[]>;

const WAITS = { seniorReviewSeconds: 259_200, informationSeconds: 1_209_600, outcomeSeconds: 172_800 };
const screened = (priority = 'routine', hasMobile = true, firstContact = 'triage') => ({
  priority,
  hasMobile,
  firstContact,
  nextTriageWaitSeconds: 72_000,
  nextCallWaitSeconds: 144_000,
  waits: WAITS,
});

/** What a Task answers when a test does not say: what the path needs to carry on. */
const USUALLY: Script = { ConfirmBooking: [{ waitUntil: '2026-12-01T09:00:00.000Z', waitSeconds: 60 }] };

async function run(script: Script, input: Record<string, unknown> = {}) {
  const inputs: Record<string, unknown[]> = {};
  // Answers are used up in turn; copy them, so that one script can serve several tests.
  const queues = Object.fromEntries(Object.entries(script).map(([state, answers]) => [state, [...answers]]));
  const handlers = Object.fromEntries(
    taskStates.map(([name, state]) => [
      name,
      async (input: unknown) => {
        (inputs[name] ??= []).push(input);
        const answers = queues[name] ?? USUALLY[name] ?? [{}];
        const answer = answers.length > 1 ? answers.shift() : answers[0];
        if (answer instanceof Error) throw answer;
        return isCallbackTask(state) ? answer : { Payload: answer };
      },
    ]),
  );
  const execution = machine.run({ referralId: 'MSK-TEST', ...input } as never, {
    overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides: noPauses },
    noThrowOnAbort: true,
    context: { Task: { Token: 'task-token' } } as never,
  });
  const visited: string[] = [];
  const recording = (async () => {
    for await (const event of execution.eventLogs as AsyncGenerator<{ type: string; state?: { name: string } }>)
      if (event.type === 'StateEntered' && event.state) visited.push(event.state.name);
  })();
  const outcome = await execution.result.then(
    (output: unknown) => ({ ended: 'succeeded' as const, output }),
    (error: Error) => ({ ended: 'failed' as const, error: error.name }),
  );
  await recording;
  return { ...outcome, visited, inputs, ends: visited.at(-1) };
}

const decided = (routing: Routing) => [routing];
const timeout = () => failure('States.Timeout');

/** Routes each test below takes, to check that none is left without one. */
const covered = new Set<string>();
const routed = (...routes: Routing['route'][]) => routes.forEach((r) => covered.add(r));

// retryEntry reads the service's settings (the steps' waits), as a handler would.
process.env.TABLE_NAME ??= 'unit';

describe('the workflow, route by route (Tasks stubbed)', () => {
  it('emergency: the service lead is alerted and the referral redirected, with no triage', async () => {
    const r = await run({ ScreenReferral: [screened('emergency')] });
    expect(r.visited).toEqual(['Begin', 'ScreenReferral', 'IsEmergency', 'AlertServiceLead', 'RedirectEmergency', 'RedirectedEmergency']);
  });

  it('no mobile: no acknowledgement text, straight to triage', async () => {
    const r = await run({ ScreenReferral: [screened('routine', false)], AwaitTriage: decided({ route: 'self-management' }) });
    expect(r.visited.slice(0, 4)).toEqual(['Begin', 'ScreenReferral', 'IsEmergency', 'CanTextPatient']);
    expect(r.visited).not.toContain('AcknowledgePatient');
    expect(r.visited.slice(4, 6)).toEqual(['FirstContact', 'AwaitTriage']);
  });

  it('triage waits as long as screening said, then for as long as each timer says', async () => {
    const r = await run({
      ScreenReferral: [screened()],
      AwaitTriage: [timeout(), timeout(), { route: 'returned' }],
      TriageTimer: [{ nextInSeconds: 14_400 }, { nextInSeconds: 86_400 }],
    });
    routed('returned');
    expect(r.visited.filter((s) => s === 'TriageTimer')).toHaveLength(2);
    expect(r.inputs.AwaitTriage!.map((i) => (i as Record<string, unknown>)[LOCAL_TIMEOUT_PARAMETER])).toEqual([72_000, 14_400, 86_400]);
    expect(r.inputs.TriageTimer).toEqual([
      expect.objectContaining({ Payload: { referralId: 'MSK-TEST', kind: 'triage' } }),
      expect.anything(),
    ]);
    expect(r.ends).toBe('Closed');
  });

  it.each([
    ['returned', 'returned'],
    ['redirected', 'redirected'],
    ['self-management', 'self-management'],
  ] as const)('triage %s: the referrer (or patient) is told, and the referral closes', async (route, notice) => {
    routed(route);
    const r = await run({ ScreenReferral: [screened()], AwaitTriage: decided({ route }) });
    expect(r.visited.slice(-3)).toEqual(['RouteDecision', 'NotifyOutcome', 'Closed']);
    expect(r.inputs.NotifyOutcome![0]).toMatchObject({ Payload: { referralId: 'MSK-TEST', notice } });
  });

  it('accepted, booked by the patient, attended and discharged: the whole way round', async () => {
    routed('accepted', 'booked', 'attended-discharged');
    const r = await run({
      ScreenReferral: [screened()],
      AwaitTriage: decided({ route: 'accepted', service: 'physiotherapy', priority: 'routine' }),
      PrepareBooking: [{ nextInSeconds: 259_200, channel: 'patient', inviteTemplate: 'bookingInvite' }],
      AwaitBooking: decided({ route: 'booked' }),
      CheckAppointment: [
        { action: 'wait', waitUntil: '2026-12-03T09:45:00.000Z', waitSeconds: 60 },
        { action: 'outcome', waitUntil: '2026-12-03T09:45:00.000Z', waitSeconds: 60 },
      ],
      AwaitOutcome: decided({ route: 'attended-discharged' }),
    });
    expect(r.visited).toEqual([
      'Begin',
      'ScreenReferral',
      'IsEmergency',
      'CanTextPatient',
      'AcknowledgePatient',
      'FirstContact',
      'AwaitTriage',
      'RouteDecision',
      'PrepareBooking',
      'InviteHow',
      'InviteByText',
      'AwaitBooking',
      'RouteDecision',
      'ConfirmBooking',
      'WaitForAppointment',
      'CheckAppointment',
      'AfterAppointmentCheck',
      'WaitForAppointment',
      'CheckAppointment',
      'AfterAppointmentCheck',
      'AwaitOutcome',
      'RouteDecision',
      'NotifyOutcome',
      'Closed',
    ]);
    expect(r.inputs.NotifyOutcome![0]).toMatchObject({ Payload: { notice: 'attended-discharged' } });
  });

  it('no way to text the patient: the booking worklist, reminded, then escalated', async () => {
    const r = await run({
      ScreenReferral: [screened()],
      AwaitTriage: decided({ route: 'accepted', service: 'physiotherapy', priority: 'urgent' }),
      PrepareBooking: [{ nextInSeconds: 259_200, channel: 'staff', inviteTemplate: 'bookingInvite' }],
      AwaitBooking: [timeout(), timeout(), { route: 'booked' }],
      BookingTimer: [
        { nextInSeconds: 345_600, closed: false, chase: 'worklist' },
        { nextInSeconds: 86_400, closed: false, chase: 'escalate' },
      ],
      CheckAppointment: [{ action: 'closed', waitUntil: '2026-12-03T09:45:00.000Z', waitSeconds: 60 }],
    });
    expect(r.visited).toContain('AddToBookingWorklist');
    expect(r.visited).not.toContain('InviteByText');
    expect(r.visited.filter((s) => ['ChaseWorklist', 'EscalateWorklist'].includes(s))).toEqual(['ChaseWorklist', 'EscalateWorklist']);
    // A cancelled appointment: the check finds nothing to wait for, and the workflow ends.
    expect(r.ends).toBe('Closed');
  });

  it('a patient who never books: chased by text, then unable to contact', async () => {
    const r = await run({
      ScreenReferral: [screened()],
      AwaitTriage: decided({ route: 'accepted', service: 'physiotherapy', priority: 'routine' }),
      PrepareBooking: [{ nextInSeconds: 259_200, channel: 'patient', inviteTemplate: 'bookingInvite' }],
      AwaitBooking: [timeout()],
      BookingTimer: [
        { nextInSeconds: 345_600, closed: false, chase: 'text' },
        { nextInSeconds: 0, closed: true, chase: 'none' },
      ],
    });
    expect(r.visited.slice(-4)).toEqual(['BookingTimer', 'BookingGivenUp', 'NotifyUnableToContact', 'Closed']);
    expect(r.visited).toContain('ChaseByText');
    expect(r.inputs.NotifyUnableToContact![0]).toMatchObject({ Payload: { notice: 'unable-to-contact' } });
  });

  it('secondary care: a senior review, chased at the configured wait, then confirmed', async () => {
    routed('secondary-care-review', 'referred-to-secondary-care');
    const r = await run({
      ScreenReferral: [screened()],
      AwaitTriage: decided({ route: 'secondary-care-review' }),
      AwaitSeniorReview: [timeout(), { route: 'referred-to-secondary-care' }],
    });
    expect(r.visited).toContain('SeniorReviewOverdue');
    expect(r.inputs.AwaitSeniorReview).toEqual([
      expect.objectContaining({ [LOCAL_TIMEOUT_PARAMETER]: WAITS.seniorReviewSeconds }),
      expect.objectContaining({ [LOCAL_TIMEOUT_PARAMETER]: WAITS.seniorReviewSeconds }),
    ]);
    expect(r.inputs.NotifyOutcome![0]).toMatchObject({ Payload: { notice: 'referred-to-secondary-care' } });
  });

  it('information asked for and received: triage starts again on the restarted clock', async () => {
    routed('information-requested', 'information-received');
    const r = await run({
      ScreenReferral: [screened()],
      AwaitTriage: [{ route: 'information-requested' }, { route: 'self-management' }],
      AwaitInformation: decided({ route: 'information-received', nextInSeconds: 60 }),
    });
    expect(r.visited.filter((s) => s === 'AwaitTriage')).toHaveLength(2);
    expect(r.visited).toContain('RestartTriageClock');
  });

  it('information never received: the referral is returned and the referrer told', async () => {
    const r = await run({
      ScreenReferral: [screened()],
      AwaitTriage: decided({ route: 'information-requested' }),
      AwaitInformation: [timeout()],
    });
    expect(r.visited.slice(-3)).toEqual(['InformationNotReceived', 'NotifyNoInformation', 'Closed']);
    expect(r.inputs.NotifyNoInformation![0]).toMatchObject({ Payload: { notice: 'no-information' } });
    expect(r.inputs.AwaitInformation![0]).toMatchObject({ [LOCAL_TIMEOUT_PARAMETER]: WAITS.informationSeconds });
  });

  describe('phone first: the first contact call', () => {
    const phoneFirst = (hasMobile = true) => screened('routine', hasMobile, 'call');

    it('waits on the call list as long as screening said, then as each timer says, and the call stays open', async () => {
      routed('self-management');
      const r = await run({
        ScreenReferral: [phoneFirst()],
        AwaitCall: [timeout(), timeout(), { route: 'self-management' }],
        CallTimer: [{ nextInSeconds: 28_800 }, { nextInSeconds: 86_400 }],
      });
      expect(r.visited.slice(0, 7)).toEqual([
        'Begin',
        'ScreenReferral',
        'IsEmergency',
        'CanTextPatient',
        'AcknowledgePatient',
        'FirstContact',
        'AwaitCall',
      ]);
      expect(r.visited).not.toContain('AwaitTriage');
      expect(r.inputs.AwaitCall!.map((i) => (i as Record<string, unknown>)[LOCAL_TIMEOUT_PARAMETER])).toEqual([144_000, 28_800, 86_400]);
      expect(r.inputs.AwaitCall![0]).toMatchObject({ Payload: { referralId: 'MSK-TEST', kind: 'call' } });
      expect(r.inputs.CallTimer![0]).toMatchObject({ Payload: { referralId: 'MSK-TEST', kind: 'call' } });
      expect(r.visited.slice(-3)).toEqual(['RouteDecision', 'NotifyOutcome', 'Closed']);
      expect(r.inputs.NotifyOutcome![0]).toMatchObject({ Payload: { notice: 'self-management' } });
    });

    it('booked during the call: confirmed to the patient, then as any booked appointment', async () => {
      const r = await run({ ScreenReferral: [phoneFirst()], AwaitCall: decided({ route: 'booked' }) });
      expect(r.visited.slice(6, 10)).toEqual(['AwaitCall', 'RouteDecision', 'ConfirmBooking', 'WaitForAppointment']);
      expect(r.visited).not.toContain('PrepareBooking');
    });

    it('needs triage: triage waits on the clock restarted by the call', async () => {
      routed('call-triage');
      const r = await run({
        ScreenReferral: [phoneFirst()],
        AwaitCall: decided({ route: 'call-triage', nextInSeconds: 72_000 }),
        AwaitTriage: decided({ route: 'returned' }),
      });
      expect(r.visited.slice(6, 10)).toEqual(['AwaitCall', 'RouteDecision', 'RestartTriageClock', 'AwaitTriage']);
      expect(r.inputs.AwaitTriage![0]).toMatchObject({ [LOCAL_TIMEOUT_PARAMETER]: 72_000 });
    });

    it('needs senior review: straight to the senior clinicians', async () => {
      const r = await run({
        ScreenReferral: [phoneFirst()],
        AwaitCall: decided({ route: 'secondary-care-review' }),
        AwaitSeniorReview: decided({ route: 'referred-to-secondary-care' }),
      });
      expect(r.visited.slice(6, 9)).toEqual(['AwaitCall', 'RouteDecision', 'AwaitSeniorReview']);
      expect(r.ends).toBe('Closed');
    });

    it('a red flag on the call: the service lead is told, then the patient texted to go to A&E', async () => {
      routed('emergency');
      const r = await run({ ScreenReferral: [phoneFirst()], AwaitCall: decided({ route: 'emergency' }) });
      expect(r.visited.slice(-4)).toEqual(['RouteDecision', 'AlertCallEmergency', 'RedirectEmergency', 'RedirectedEmergency']);
      expect(r.inputs.AlertCallEmergency![0]).toMatchObject({ Payload: { referralId: 'MSK-TEST', message: 'call-emergency' } });
    });

    it('declined: the referrer is told, and the referral closes', async () => {
      routed('declined');
      const r = await run({ ScreenReferral: [phoneFirst()], AwaitCall: decided({ route: 'declined' }) });
      expect(r.visited.slice(-3)).toEqual(['RouteDecision', 'NotifyOutcome', 'Closed']);
      expect(r.inputs.NotifyOutcome![0]).toMatchObject({ Payload: { notice: 'declined' } });
    });

    it('not reached after the last attempt: offered booking by text, as if accepted', async () => {
      routed('not-reached');
      const r = await run({
        ScreenReferral: [phoneFirst()],
        AwaitCall: decided({ route: 'not-reached', service: 'physiotherapy', priority: 'routine' }),
        PrepareBooking: [{ nextInSeconds: 1, channel: 'patient', inviteTemplate: 'notReachedInvite' }],
        AwaitBooking: decided({ route: 'self-management' }),
      });
      expect(r.visited.slice(6, 11)).toEqual(['AwaitCall', 'RouteDecision', 'PrepareBooking', 'InviteHow', 'InviteByText']);
      expect(r.inputs.InviteByText![0]).toMatchObject({ Payload: { template: 'notReachedInvite' } });
    });

    it('phone first with no number to call: offered booking at once (the team books: no mobile either)', async () => {
      const r = await run({
        ScreenReferral: [screened('routine', false, 'booking')],
        PrepareBooking: [{ nextInSeconds: 1, channel: 'staff', inviteTemplate: 'bookingInvite' }],
        AwaitBooking: decided({ route: 'self-management' }),
      });
      expect(r.visited.slice(3, 8)).toEqual(['CanTextPatient', 'FirstContact', 'PrepareBooking', 'InviteHow', 'AddToBookingWorklist']);
      expect(r.visited).not.toContain('AwaitCall');
      expect(r.visited).not.toContain('AwaitTriage');
    });

    it('an emergency never waits for a call', async () => {
      const r = await run({ ScreenReferral: [screened('emergency', true, 'triage')] });
      expect(r.visited).not.toContain('AwaitCall');
      expect(r.ends).toBe('RedirectedEmergency');
    });
  });

  /** Accepted, booked, and the appointment over: the outcome step is next. */
  const TO_THE_OUTCOME: Script = {
    ScreenReferral: [screened()],
    AwaitTriage: decided({ route: 'accepted', service: 'physiotherapy', priority: 'routine' }),
    PrepareBooking: [{ nextInSeconds: 1, channel: 'patient', inviteTemplate: 'bookingInvite' }],
    AwaitBooking: decided({ route: 'booked' }),
    CheckAppointment: [{ action: 'outcome', waitUntil: '2026-12-03T09:45:00.000Z', waitSeconds: 60 }],
  };

  it.each([
    ['attended-follow-up', 'Closed', false],
    ['onward-referral', 'Closed', true],
    ['closed-did-not-attend', 'Closed', true],
  ] as const)('outcome %s', async (route, end, notified) => {
    routed(route);
    const r = await run({ ...TO_THE_OUTCOME, AwaitOutcome: [timeout(), { route }] });
    expect(r.visited).toContain('OutcomeOverdue');
    expect(r.inputs.AwaitOutcome![1]).toMatchObject({ [LOCAL_TIMEOUT_PARAMETER]: WAITS.outcomeSeconds });
    expect(r.ends).toBe(end);
    expect(r.visited.includes('NotifyOutcome')).toBe(notified);
  });

  it('an appointment the clinic cancelled: on waking, the workflow waits on the new booking step it opened', async () => {
    const r = await run({
      ...TO_THE_OUTCOME,
      CheckAppointment: [
        { action: 'rebook', waitUntil: '2026-12-01T09:00:00.000Z', waitSeconds: 60 },
        { action: 'outcome', waitUntil: '2026-12-03T09:45:00.000Z', waitSeconds: 60 },
      ],
      AwaitBooking: [{ route: 'booked' }],
      AwaitOutcome: [{ route: 'attended-discharged' }],
    });
    const woke = r.visited.indexOf('AfterAppointmentCheck');
    expect(r.visited.slice(woke, woke + 4)).toEqual(['AfterAppointmentCheck', 'AwaitBooking', 'RouteDecision', 'ConfirmBooking']);
    expect(r.ends).toBe('Closed');
  });

  it('did not attend the first time: booking starts again', async () => {
    routed('rebook');
    const r = await run({ ...TO_THE_OUTCOME, AwaitOutcome: [{ route: 'rebook' }, { route: 'attended-discharged' }] });
    expect(r.visited.filter((s) => s === 'PrepareBooking')).toHaveLength(2);
  });

  it('a step decided just as its wait re-opened: the recorded decision is followed', async () => {
    const recorded = failure(
      'AlreadyDecided',
      JSON.stringify({ errorType: 'AlreadyDecided', errorMessage: JSON.stringify({ route: 'returned' }) }),
    );
    const r = await run({ ScreenReferral: [screened()], AwaitTriage: [timeout(), recorded], TriageTimer: [{ nextInSeconds: 60 }] });
    expect(r.visited.slice(-5)).toEqual(['ReadRecordedDecision', 'UseRecordedDecision', 'RouteDecision', 'NotifyOutcome', 'Closed']);
    expect(r.inputs.NotifyOutcome![0]).toMatchObject({ Payload: { notice: 'returned' } });
  });

  it('a step that keeps failing is retried, then recorded as failed', async () => {
    const r = await run({ ScreenReferral: [failure('Error', 'DynamoDB unreachable')] });
    expect(r.inputs.ScreenReferral).toHaveLength(5);
    expect(r.visited.slice(-2)).toEqual(['RecordFailure', 'WorkflowFailed']);
    expect(r.ended).toBe('failed');
  });

  it('a referral too old to keep waiting stops at once, not retried', async () => {
    const r = await run({ ScreenReferral: [screened()], AwaitTriage: [timeout()], TriageTimer: [failure('StoppedWaiting')] });
    expect(r.inputs.TriageTimer).toHaveLength(1);
    expect(r.visited.slice(-2)).toEqual(['RecordFailure', 'WorkflowFailed']);
  });

  it.each([
    'received',
    'awaiting_call',
    'awaiting_triage',
    'awaiting_senior_review',
    'information_requested',
    'accepted',
    'awaiting_booking',
    'booked',
  ] as const)(
    'a journey stopped in %s that a person retries re-enters where retryEntry says, with what that state needs',
    async (status) => {
      const call = { dueAt: '2026-11-03T09:00:00.000Z', attempts: 1 };
      const entry = retryEntry({ id: 'MSK-TEST', receivedAt: '2026-11-01T09:00:00.000Z', call } as never, status)!;
      const r = await run(
        { ScreenReferral: [screened()], AwaitTriage: [decided({ route: 'returned' })] },
        { resumeAt: entry.state, ...entry.input },
      );
      expect(r.visited.slice(0, 2)).toEqual(['Begin', entry.state]);
      // A wait's length comes from the input, as screening would have given it.
      if (entry.state.startsWith('Await')) expect(r.inputs[entry.state]).toBeDefined();
    },
  );

  it('a journey stopped once booked is confirmed first if it never was, else re-checks its appointment', async () => {
    const booked = { id: 'MSK-TEST', receivedAt: '2026-11-01T09:00:00.000Z', status: 'booked' } as never;
    expect(retryEntry(booked, 'booked')!.state).toBe('ConfirmBooking');
    expect(retryEntry({ ...(booked as object), appointmentLinkId: 'x' } as never, 'booked')!.state).toBe('CheckAppointment');
    const entry = retryEntry(booked, 'booked')!;
    const r = await run({ AwaitOutcome: [{ route: 'attended-discharged' }] }, { resumeAt: entry.state, ...entry.input });
    expect(r.visited.slice(0, 4)).toEqual(['Begin', 'ConfirmBooking', 'WaitForAppointment', 'CheckAppointment']);
    // Should the clinic cancel later, the new booking step's wait is in the input, as PrepareBooking would give it.
    expect(entry.input).toMatchObject({ booking: { nextInSeconds: expect.any(Number) } });
  });

  it('a journey stopped while closing is not re-entered (a person finishes it and closes it)', () => {
    expect(retryEntry({ id: 'MSK-TEST' } as never, 'closed_self_management')).toBeUndefined();
  });

  it('every route a decision can take has a test above', () => {
    expect([...covered].sort()).toEqual([...ROUTES].sort());
  });
});
