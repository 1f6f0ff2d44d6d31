/**
 * Each human step's rules, without DynamoDB or a workflow: what a decision reads from its form,
 * where it routes and which status that leaves; what each timer does, and how long it waits
 * next. The store is replaced by a recorder of the changes a step asks for, and the notifier by
 * a recorder of what it sends. The same steps run for real in test/integration and test/e2e.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { fixedClock, useClock } from '../../shared/clock.js';
import { resetConfig } from '../../shared/config.js';
import type { Referral } from '../../shared/domain/referral.js';
import type { StaffUser } from '../../shared/domain/staff.js';
import { DAY_SECONDS, HOUR_MS } from '../../shared/domain/time.js';
import { ROUTE_STATUS } from '../../shared/domain/vocabulary.js';
import { installAdapters, resetAdapters } from '../../shared/ports/index.js';
import { staticLinkKeys } from '../../shared/ports/link-keys.js';
import type { ReferralChange } from '../../shared/store/referrals.js';
import type { Task } from '../../shared/store/tasks.js';

const changes: ReferralChange[] = [];
vi.mock('../../shared/store/referrals.js', () => ({
  changeReferral: vi.fn(async (referral: Referral, change: ReferralChange) => {
    changes.push(change);
    return { ...referral, ...change.set, status: change.status ?? referral.status, version: referral.version + 1 };
  }),
  loadReferral: vi.fn(),
  getReferral: vi.fn(),
}));
vi.mock('../../shared/store/tasks.js', () => ({
  claimTask: (task: Task, at: string, routing: unknown) => ({ Update: { claim: task.taskId, at, routing } }),
  getTask: vi.fn(),
  putNewTask: vi.fn(),
  replaceTaskToken: vi.fn(),
}));

const { booking, bookForPatient } = await import('../../shared/services/steps/booking.js');
const { information } = await import('../../shared/services/steps/information.js');
const { outcome, outcomeDecision } = await import('../../shared/services/steps/outcome.js');
const { seniorReview, seniorReviewDecision } = await import('../../shared/services/steps/senior-review.js');
const { nextTriageWaitSeconds, triage, triageActionDue, triageDecision } = await import('../../shared/services/steps/triage.js');
const { call, callDecision, callFormSchema, nextCallWaitSeconds } = await import('../../shared/services/steps/call.js');

const RECEIVED = '2026-11-23T09:00:00.000Z';
const JO: StaffUser = { id: 'jo-1', name: 'Jo Physio', roles: ['triage-clinician'] };
const at = (hours: number) => new Date(Date.parse(RECEIVED) + hours * HOUR_MS);
const clock = fixedClock(RECEIVED);
const sent: { to: string; subject: string }[] = [];
const resumed: unknown[] = [];

function referral(overrides: Partial<Referral> = {}): Referral {
  return {
    id: 'MSK-UNIT-1',
    source: 'gp',
    status: 'awaiting_triage',
    clientId: 'gp-1',
    receivedAt: RECEIVED,
    triageDueAt: at(24).toISOString(),
    updatedAt: RECEIVED,
    version: 3,
    referrer: { odsCode: 'P81001', name: 'Dr Y', email: 'gp@example.nhs.uk' },
    screening: { priority: 'routine', service: 'physiotherapy', reasons: [] },
    openTask: { kind: 'triage', taskId: 'task-1' },
    redFlags: [],
    ...overrides,
  } as Referral;
}
const task = (kind: Task['kind']): Task => ({
  taskId: 'task-1',
  kind,
  referralId: 'MSK-UNIT-1',
  token: 'token-1',
  createdAt: RECEIVED,
  linkExpiresAt: at(24 * 14).toISOString(),
});

let restoreClock: () => void;
beforeAll(() => {
  process.env.TABLE_NAME = 'unit';
  resetConfig();
  restoreClock = useClock(clock);
  installAdapters({
    linkKeys: staticLinkKeys('unit-test-signing-key-unit-test-signing-key'),
    workflow: {
      startReferralWorkflow: async () => ({ alreadyStarted: false }),
      retryReferralWorkflow: async () => ({ alreadyStarted: false }),
      sendTaskSuccess: async (_token, output) => void resumed.push(output),
    },
    notifier: {
      sendStaffEmail: async (audience, email) => (sent.push({ to: audience, subject: email.subject }), { messageId: 'm' }),
      sendEmail: async (to, email) => (sent.push({ to, subject: email.subject }), { messageId: 'm' }),
      sendSms: async (to) => (sent.push({ to, subject: 'sms' }), { messageId: 'm' }),
      isOptedOut: async () => false,
    },
  });
});
afterAll(() => {
  restoreClock();
  resetAdapters();
});
beforeEach(() => {
  changes.length = 0;
  sent.length = 0;
  resumed.length = 0;
  clock.set(RECEIVED);
});

describe('triage decisions', () => {
  const decide = (form: Record<string, string>, r = referral()) => triageDecision(r, { reason: '', ...form });

  it.each([
    [{ decision: 'accept', service: 'physiotherapy', priority: 'urgent' }, 'accepted', 'accepted'],
    [{ decision: 'redirect', destination: 'falls-service' }, 'redirected', 'redirected'],
    [{ decision: 'redirect', destination: 'spinal-surgery' }, 'secondary-care-review', 'awaiting_senior_review'],
    [{ decision: 'return', reason: 'Try NSAIDs first' }, 'returned', 'returned_to_referrer'],
    [{ decision: 'self-management' }, 'self-management', 'closed_self_management'],
    [{ decision: 'request-information', reason: 'X-ray report?' }, 'information-requested', 'information_requested'],
  ])('%o routes %s and leaves the referral %s', (form, route, status) => {
    const decision = decide(form);
    expect(decision).toMatchObject({ routing: { route } });
    expect(ROUTE_STATUS[(decision as { routing: { route: keyof typeof ROUTE_STATUS } }).routing.route]).toBe(status);
  });

  it('carries service and priority to the workflow on accept, and keeps the advice or question for the referrer', () => {
    expect(decide({ decision: 'accept', service: 'physiotherapy', priority: 'urgent' })).toMatchObject({
      routing: { route: 'accepted', service: 'physiotherapy', priority: 'urgent' },
      outcome: { decision: 'accept', service: 'physiotherapy', priority: 'urgent' },
    });
    expect(decide({ decision: 'return', reason: 'Try NSAIDs first' })).toMatchObject({ outcome: { message: 'Try NSAIDs first' } });
    expect(decide({ decision: 'self-management', reason: 'private' })).not.toHaveProperty('outcome.message');
  });

  it('asks for what each decision needs, field by field', () => {
    expect(decide({ decision: 'accept' })).toEqual({
      issues: [
        { path: 'service', message: 'Choose a service' },
        { path: 'priority', message: 'Choose a priority' },
      ],
    });
    expect(decide({ decision: 'redirect' })).toEqual({ issues: [{ path: 'destination', message: 'Choose where to redirect to' }] });
    expect(decide({ decision: 'return' })).toEqual({ issues: [{ path: 'reason', message: 'Give the advice for the referrer' }] });
    expect(decide({ decision: '' })).toEqual({ issues: [{ path: 'decision', message: 'Choose a decision' }] });
  });

  it('refuses to ask a self-referring patient\'s "referrer" for information', () => {
    const self = referral({ source: 'self', referrer: undefined });
    expect(decide({ decision: 'request-information', reason: 'X-ray?' }, self)).toMatchObject({ issues: [{ path: 'decision' }] });
  });

  it("records the decision in the signed-in person's name, claims the step and resumes the workflow in one go", async () => {
    const result = await triage.decide!(task('triage'), referral(), { decision: 'self-management' }, { by: 'staff', user: JO });
    expect(result).toMatchObject({
      state: 'decided',
      referral: { status: 'closed_self_management', outcome: { decidedBy: 'Jo Physio', decidedById: 'jo-1' } },
    });
    expect(changes).toEqual([
      expect.objectContaining({
        status: 'closed_self_management',
        event: expect.objectContaining({
          type: 'triage_decided',
          actor: 'staff:jo-1',
          detail: expect.objectContaining({ decidedBy: 'Jo Physio', linkId: 'task-1' }),
        }),
      }),
    ]);
    expect(resumed).toEqual([{ route: 'self-management' }]);
  });
});

describe('the triage timer', () => {
  const clockOf = (r: Partial<Referral> = {}) => ({ receivedAt: RECEIVED, triageDueAt: at(24).toISOString(), ...r });

  it('waits until the reminder, then the deadline, then a day at a time', () => {
    expect(nextTriageWaitSeconds(clockOf(), at(0), 20)).toBe(20 * 3600);
    expect(nextTriageWaitSeconds(clockOf({ triageReminderSentAt: at(20).toISOString() }), at(20), 20)).toBe(4 * 3600);
    expect(nextTriageWaitSeconds(clockOf({ triageBreachedAt: at(24).toISOString() }), at(24), 20)).toBe(DAY_SECONDS);
  });

  it('reminds, then breaches, then keeps telling the service lead', () => {
    expect(triageActionDue(clockOf(), at(20))).toBe('reminder');
    expect(triageActionDue(clockOf({ triageReminderSentAt: at(20).toISOString() }), at(22))).toBe('none');
    // Exactly at the deadline is still within it (as the figures count it); a second later it is missed.
    expect(triageActionDue(clockOf({ triageReminderSentAt: at(20).toISOString() }), at(24))).toBe('none');
    expect(nextTriageWaitSeconds(clockOf({ triageReminderSentAt: at(20).toISOString() }), at(24), 20)).toBe(1);
    expect(triageActionDue(clockOf({ triageReminderSentAt: at(20).toISOString() }), at(24 + 1 / 3600))).toBe('breach');
    expect(triageActionDue(clockOf({ triageBreachedAt: at(24).toISOString() }), at(48))).toBe('still-overdue');
  });

  it('at the reminder point: emails the triage team and records it', async () => {
    clock.set(at(20));
    expect(await triage.timedOut(referral())).toEqual({ nextInSeconds: 4 * 3600, closed: false });
    expect(sent).toEqual([{ to: 'triage-team', subject: expect.stringMatching(/^Reminder/) }]);
    expect(changes[0]).toMatchObject({ set: { triageReminderSentAt: at(20).toISOString() }, event: { type: 'triage_reminder_sent' } });
  });

  it('at the deadline: records the breach and tells the service lead', async () => {
    clock.set(at(24 + 1 / 3600));
    const result = await triage.timedOut(referral({ triageReminderSentAt: at(20).toISOString() }));
    expect(result).toEqual({ nextInSeconds: DAY_SECONDS, closed: false });
    expect(sent.map((m) => m.to)).toEqual(['service-lead']);
    expect(changes[0]).toMatchObject({ event: { type: 'triage_sla_breached' } });
  });
});

describe('senior review', () => {
  it('confirms secondary care, or returns the patient to community care with a service and priority', () => {
    const r = referral({
      status: 'awaiting_senior_review',
      outcome: { decision: 'redirect', decidedBy: 'A', decidedAt: RECEIVED, destination: 'spinal-surgery' },
    });
    const wantsAndFit = { wantsSurgery: 'yes', fitForSurgery: 'yes' };
    expect(seniorReviewDecision(r, { decision: 'confirm', ...wantsAndFit })).toMatchObject({
      routing: { route: 'referred-to-secondary-care' },
      outcome: { decision: 'secondary-care-confirmed', destination: 'spinal-surgery', surgery: { wants: 'yes', fit: 'yes' } },
    });
    expect(
      seniorReviewDecision(r, {
        decision: 'decline',
        wantsSurgery: 'no',
        fitForSurgery: 'yes',
        service: 'physiotherapy',
        priority: 'routine',
      }),
    ).toMatchObject({
      routing: { route: 'accepted', service: 'physiotherapy', priority: 'routine' },
      outcome: { decision: 'returned-to-community-care', surgery: { wants: 'no', fit: 'yes' } },
      detail: { wantsSurgery: 'no', fitForSurgery: 'yes' },
    });
    expect(seniorReviewDecision(r, { decision: 'decline', ...wantsAndFit })).toEqual({
      issues: [
        { path: 'service', message: 'Choose a community service' },
        { path: 'priority', message: 'Choose a priority' },
      ],
    });
  });

  it('records the surgery screening answers, and sends on only a patient who wants surgery and is fit for it', () => {
    const r = referral({ status: 'awaiting_senior_review' });
    const paths = (form: Record<string, string>) => {
      const result = seniorReviewDecision(r, form);
      return 'issues' in result ? result.issues.map((i) => i.path) : [];
    };
    expect(paths({ decision: 'confirm' })).toEqual(['wantsSurgery', 'fitForSurgery']);
    for (const [wants, fit] of [
      ['no', 'yes'],
      ['undecided', 'yes'],
      ['yes', 'no'],
      ['yes', 'not-yet'],
    ])
      expect(paths({ decision: 'confirm', wantsSurgery: wants!, fitForSurgery: fit!, optimise: 'Weight' }), `${wants}/${fit}`).toEqual([
        'decision',
      ]);
    // Not yet fit: what to optimise is asked for, and kept as a note (free text), not in the event's detail.
    expect(
      paths({ decision: 'decline', wantsSurgery: 'yes', fitForSurgery: 'not-yet', service: 'physiotherapy', priority: 'routine' }),
    ).toEqual(['optimise']);
    const notYet = seniorReviewDecision(r, {
      decision: 'decline',
      wantsSurgery: 'yes',
      fitForSurgery: 'not-yet',
      optimise: 'HbA1c 80: get it under 64',
      service: 'physiotherapy',
      priority: 'routine',
    });
    expect(notYet).toMatchObject({
      note: { optimise: 'HbA1c 80: get it under 64' },
      outcome: { surgery: { wants: 'yes', fit: 'not-yet' } },
    });
    expect(JSON.stringify((notYet as { detail: unknown }).detail)).not.toContain('HbA1c');
  });

  it('tells the service lead when it waits too long, and waits the configured days again', async () => {
    expect(await seniorReview.timedOut(referral({ openTask: { kind: 'senior-review', taskId: 'task-1' } }))).toEqual({
      nextInSeconds: 3 * DAY_SECONDS,
      closed: false,
    });
    expect(sent.map((m) => m.to)).toEqual(['service-lead']);
    expect(changes[0]).toMatchObject({ event: { type: 'senior_review_overdue' } });
  });
});

describe('appointment outcome', () => {
  const booked = (missedAppointments = 0) =>
    referral({ status: 'booked', missedAppointments, booking: { start: at(72).toISOString() } as Referral['booking'] });

  it.each([
    ['attended-discharged', 0, 'attended-discharged', 0],
    ['attended-follow-up', 0, 'attended-follow-up', 0],
    ['onward-referral', 0, 'onward-referral', 0],
    ['did-not-attend', 0, 'rebook', 1],
    ['did-not-attend', 1, 'closed-did-not-attend', 2],
  ])('%s (missed before: %i) routes %s, missed now %i', (decision, before, route, missed) => {
    expect(outcomeDecision(booked(before), { decision })).toMatchObject({
      routing: { route },
      set: { missedAppointments: missed },
    });
  });

  it('chases the clinic every OUTCOME_CHASE_DAYS until recorded', async () => {
    expect(await outcome.timedOut(booked())).toEqual({ nextInSeconds: 2 * DAY_SECONDS, closed: false });
    expect(sent.map((m) => m.to)).toEqual(['clinic-team']);
  });
});

describe('information from the referrer', () => {
  it('emails the question to the referrer, with the reply-by date from INFORMATION_WAIT_DAYS', async () => {
    const asked = referral({
      status: 'information_requested',
      outcome: { decision: 'request-information', decidedBy: 'A', decidedAt: RECEIVED, message: 'X-ray?' },
    });
    await information.open(asked, 'task-1');
    expect(sent).toEqual([{ to: 'gp@example.nhs.uk', subject: expect.any(String) }]);
    expect(changes[0]).toMatchObject({ event: { type: 'referrer_emailed', detail: { notice: 'information-requested' } } });
  });

  it('with no answer in time, returns the referral and closes the step', async () => {
    expect(await information.timedOut(referral({ status: 'information_requested' }))).toEqual({ nextInSeconds: 0, closed: true });
    expect(changes[0]).toMatchObject({ status: 'returned_to_referrer', event: { type: 'information_not_received' } });
  });
});

describe('booking', () => {
  const invited = (channel: 'patient' | 'staff', chasers = 0) =>
    referral({
      status: channel === 'patient' ? 'awaiting_booking' : 'booking_worklist',
      bookingChannel: channel,
      bookingInvitedAt: RECEIVED,
      bookingChasersSent: chasers,
    });

  it('chases a patient by text at each chaser day, then records unable_to_contact', async () => {
    clock.set(at(3 * 24));
    expect(await booking.timedOut(invited('patient'))).toEqual({ nextInSeconds: 4 * DAY_SECONDS, closed: false, chase: 'text' });
    expect(changes[0]).toMatchObject({ set: { bookingChasersSent: 1 }, event: { type: 'booking_chased' } });
    clock.set(at(14 * 24));
    expect(await booking.timedOut(invited('patient', 2))).toMatchObject({ closed: true, chase: 'none' });
    expect(changes[1]).toMatchObject({ status: 'unable_to_contact' });
  });

  it('reminds the booking team, then escalates daily, and never closes a worklist referral itself', async () => {
    clock.set(at(3 * 24));
    expect(await booking.timedOut(invited('staff'))).toMatchObject({ closed: false, chase: 'worklist' });
    clock.set(at(14 * 24));
    expect(await booking.timedOut(invited('staff', 2))).toEqual({ nextInSeconds: DAY_SECONDS, closed: false, chase: 'escalate' });
    expect(changes).toEqual([]);
  });

  it('asks for a slot, whoever books', async () => {
    const staff = await bookForPatient(task('booking'), invited('staff'), {}, { by: 'staff', user: JO });
    expect(staff).toMatchObject({ state: 'invalid-form', issues: [{ path: 'slot', message: 'Choose an appointment' }] });
    const patient = await bookForPatient(task('booking'), invited('patient'), {}, { by: 'patient', actor: 'patient' });
    expect(patient).toMatchObject({ state: 'invalid-form', issues: [{ path: 'slot', message: 'Choose an appointment' }] });
  });
});

describe('the first contact call', () => {
  const onCallList = (r: Partial<Referral> = {}) =>
    referral({
      status: 'awaiting_call',
      patient: { mobile: '+447700900123', givenName: 'Ada' } as Referral['patient'],
      screening: { priority: 'routine', service: 'physiotherapy', reasons: [], firstContact: 'call' },
      call: { dueAt: at(48).toISOString(), attempts: 0 },
      openTask: { kind: 'call', taskId: 'task-1' },
      ...r,
    });
  const staff = { by: 'staff' as const, user: JO };
  const decide = (form: Record<string, string>, r = onCallList()) => call.decide!(task('call'), r, form, staff);

  it('waits until the reminder at 40 hours, then the 48-hour target, then a day at a time', () => {
    const c = { dueAt: at(48).toISOString(), attempts: 0 };
    expect(nextCallWaitSeconds(RECEIVED, c, at(0))).toBe(40 * 3600);
    expect(nextCallWaitSeconds(RECEIVED, { ...c, reminderSentAt: at(40).toISOString() }, at(40))).toBe(8 * 3600);
    expect(nextCallWaitSeconds(RECEIVED, { ...c, breachedAt: at(48).toISOString() }, at(48))).toBe(DAY_SECONDS);
  });

  it('reminds the call team, then records the missed target for the service lead, then tells them daily; the call stays open', async () => {
    clock.set(at(40));
    expect(await call.timedOut(onCallList())).toEqual({ nextInSeconds: 8 * 3600, closed: false });
    expect(sent).toEqual([{ to: 'triage-team', subject: expect.stringMatching(/^Reminder: first contact call due/) }]);
    expect(changes[0]).toMatchObject({ set: { call: { reminderSentAt: at(40).toISOString() } }, event: { type: 'call_reminder_sent' } });
    clock.set(at(48 + 1 / 3600));
    const reminded = onCallList({ call: { dueAt: at(48).toISOString(), attempts: 2, reminderSentAt: at(40).toISOString() } });
    expect(await call.timedOut(reminded)).toEqual({ nextInSeconds: DAY_SECONDS, closed: false });
    expect(sent[1]).toEqual({ to: 'service-lead', subject: expect.stringMatching(/^First contact target missed/) });
    expect(changes[1]).toMatchObject({ event: { type: 'call_target_missed', detail: { attempts: 2 } } });
    clock.set(at(72));
    await call.timedOut(onCallList({ call: { dueAt: at(48).toISOString(), attempts: 2, breachedAt: at(48).toISOString() } }));
    expect(changes[2]).toMatchObject({ event: { type: 'call_still_overdue' } });
    expect(changes.every((c) => c.status === undefined)).toBe(true);
  });

  it('records an unanswered attempt and texts the patient, without closing the step', async () => {
    clock.set(at(1));
    const result = await decide({ decision: 'no-answer' });
    expect(result).toMatchObject({ state: 'attempt-recorded', texted: true, nextAttemptFrom: at(5).toISOString() });
    expect(changes[0]).toMatchObject({
      set: { call: { attempts: 1, lastAttemptAt: at(1).toISOString() } },
      event: { type: 'call_attempted', actor: 'staff:jo-1', detail: { attempt: 1, result: 'no-answer', calledBy: 'Jo Physio' } },
    });
    expect(changes[0]!.status).toBeUndefined();
    expect(sent).toEqual([{ to: '+447700900123', subject: 'sms' }]);
    expect(resumed).toEqual([]);
  });

  it('records a resent or double-clicked attempt once: the page names the attempt it offered', async () => {
    const tried = onCallList({ call: { dueAt: at(48).toISOString(), attempts: 1, lastAttemptAt: at(1).toISOString() } });
    clock.set(at(6));
    expect(await decide({ decision: 'no-answer', attempt: '1' }, tried)).toMatchObject({
      state: 'invalid-form',
      issues: [{ path: 'decision', message: expect.stringMatching(/^Attempt 1 is already recorded/) }],
    });
    expect(changes).toEqual([]);
    expect(await decide({ decision: 'no-answer', attempt: '2' }, tried)).toMatchObject({ state: 'attempt-recorded' });
  });

  it('does nothing when its timer fires as the call is decided (the step re-opens and follows the decision)', async () => {
    clock.set(at(49));
    expect(await call.timedOut(onCallList({ status: 'closed_declined' }))).toEqual({ nextInSeconds: 1, closed: false });
    expect(sent).toEqual([]);
    expect(changes).toEqual([]);
  });

  it('refuses the next attempt before CALL_RETRY_HOURS have passed, and takes it after', async () => {
    const tried = onCallList({ call: { dueAt: at(48).toISOString(), attempts: 1, lastAttemptAt: at(1).toISOString() } });
    clock.set(at(4.9));
    expect(await decide({ decision: 'no-answer' }, tried)).toMatchObject({ state: 'invalid-form', issues: [{ path: 'decision' }] });
    expect(changes).toEqual([]);
    clock.set(at(5));
    expect(await decide({ decision: 'no-answer' }, tried)).toMatchObject({ state: 'attempt-recorded' });
  });

  it('after the last unanswered attempt, offers booking with screening’s service and priority', async () => {
    clock.set(at(10));
    const twice = onCallList({ call: { dueAt: at(48).toISOString(), attempts: 2, lastAttemptAt: at(5).toISOString() } });
    expect(await decide({ decision: 'no-answer' }, twice)).toMatchObject({ state: 'decided' });
    expect(changes[0]).toMatchObject({
      status: 'accepted',
      set: { call: { attempts: 3 }, outcome: { decision: 'not-reached', service: 'physiotherapy', priority: 'routine' } },
      event: { type: 'call_outcome_recorded', detail: { outcome: 'not-reached', attempts: 3, result: 'no-answer' } },
    });
    expect(changes[0]!.set).not.toHaveProperty('wrongNumberAt');
    expect(resumed).toEqual([{ route: 'not-reached', service: 'physiotherapy', priority: 'routine' }]);
    expect(sent).toEqual([]);
  });

  it('a wrong number falls back at once and stops every text to that number', async () => {
    clock.set(at(2));
    expect(await decide({ decision: 'wrong-number' })).toMatchObject({ state: 'decided' });
    expect(changes[0]).toMatchObject({ status: 'accepted', set: { wrongNumberAt: at(2).toISOString(), call: { attempts: 1 } } });
    expect(sent).toEqual([]);
  });

  it.each([
    [{ decision: 'self-management' }, 'self-management', 'closed_self_management'],
    [{ decision: 'triage' }, 'call-triage', 'awaiting_triage'],
    [{ decision: 'senior-review', destination: 'orthopaedic-surgery' }, 'secondary-care-review', 'awaiting_senior_review'],
    [{ decision: 'emergency' }, 'emergency', 'awaiting_call'],
    [{ decision: 'declined' }, 'declined', 'closed_declined'],
  ])('%o routes %s and leaves the referral %s', (form, route, status) => {
    const parsed = callFormSchema.parse({ note: 'Talked it through', ...form });
    const decision = callDecision(onCallList(), parsed);
    expect(decision.routing.route).toBe(route);
    expect(ROUTE_STATUS[decision.routing.route]).toBe(status);
    expect(decision.note).toEqual({ reason: 'Talked it through' });
  });

  it('restarts the 24 hours for a triage the call asks for', () => {
    clock.set(at(30));
    const decision = callDecision(onCallList(), callFormSchema.parse({ decision: 'triage', note: 'n' }));
    expect(decision.set).toMatchObject({ triageDueAt: at(54).toISOString() });
    expect(decision.routing.nextInSeconds).toBe(20 * 3600);
  });

  it('asks for the clinical note with every outcome, a slot to book, and the secondary care to propose', async () => {
    for (const decision of ['self-management', 'triage', 'emergency', 'declined'])
      expect(await decide({ decision })).toMatchObject({ issues: [{ path: 'note', message: 'Write the clinical note of the call' }] });
    expect(await decide({ decision: 'book', note: 'n' })).toMatchObject({ issues: [{ path: 'slot' }] });
    expect(await decide({ decision: 'senior-review', note: 'n' })).toMatchObject({ issues: [{ path: 'destination' }] });
    expect(await decide({ decision: 'senior-review', note: 'n', destination: 'falls-service' })).toMatchObject({
      issues: [{ path: 'destination' }],
    });
    expect(await decide({})).toMatchObject({ issues: [{ path: 'decision', message: 'Choose what happened on the call' }] });
    expect(changes).toEqual([]);
  });
});
