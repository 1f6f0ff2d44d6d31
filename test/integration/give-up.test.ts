/**
 * Every waiting step's timer ends the wait once the referral is WORKFLOW_GIVE_UP_DAYS old, so no
 * execution runs into Step Functions' one-year limit and ends unseen. Each loop is tested in the
 * state the workflow leaves it in: one second before the give-up age it goes round once more; at
 * the give-up age it throws StoppedWaiting (the timer's Catch then records the failure, below).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { fixedClock, useClock } from '../../shared/clock.js';
import { config } from '../../shared/config.js';
import type { StepKind } from '../../shared/domain/vocabulary.js';
import { prepareBooking } from '../../shared/services/booking.js';
import { recordWorkflowFailure } from '../../shared/services/failures.js';
import { stepTimedOut, StoppedWaitingError } from '../../shared/services/steps/index.js';
import { changeReferral, getReferral } from '../../shared/store/referrals.js';
import { validReferral } from '../support/fixtures.js';
import { until, workflowHarness } from '../support/harness.js';

const DAY_MS = 86_400_000;
const DAY_SECONDS = 86_400;
const GIVE_UP_MS = 300 * DAY_MS;

let h: Awaited<ReturnType<typeof workflowHarness>>;
let restoreClock = () => {};
beforeEach(async () => {
  h = await workflowHarness();
});
afterEach(() => restoreClock());

/** A referral waiting for triage (its workflow settled at AwaitTriage). */
async function waitingReferral(body: unknown = validReferral()): Promise<{ id: string; receivedAt: number }> {
  const id = await h.refer(body);
  const { referral } = await until(async () => {
    const loaded = await h.load(id);
    return loaded.timeline.some((e) => e.type === 'triage_team_emailed') && loaded;
  }, 'triage to open');
  return { id, receivedAt: Date.parse(referral.receivedAt) };
}

/** Pins the clock `ms` after the referral arrived. */
function at(receivedAt: number, ms: number): void {
  restoreClock();
  restoreClock = useClock(fixedClock(new Date(receivedAt + ms)));
}

/** Puts the referral where the workflow leaves it while waiting on `kind` (as its steps would). */
async function waitingOn(id: string, kind: 'senior-review' | 'outcome', receivedAt: number): Promise<void> {
  at(receivedAt, DAY_MS);
  const referral = (await getReferral(id))!;
  const start = new Date(receivedAt + 10 * DAY_MS).toISOString();
  await changeReferral(referral, {
    status: kind === 'senior-review' ? 'awaiting_senior_review' : 'booked',
    set: {
      openTask: { kind, taskId: `${kind}-task` },
      ...(kind === 'outcome'
        ? {
            booking: {
              slotId: 'slot-1',
              clinicId: 'clinic-1',
              clinicName: 'Clinic',
              address: '1 High Street',
              postcode: 'PR7 1AA',
              service: 'physiotherapy',
              start,
              lengthMinutes: 30,
              bookedAt: new Date(receivedAt + DAY_MS).toISOString(),
            },
          }
        : {}),
    },
    event: { type: 'task_opened', at: new Date(receivedAt + DAY_MS).toISOString(), actor: 'system:workflow', detail: { kind } },
  });
}

interface Loop {
  kind: StepKind;
  /** Brings a fresh referral to the loop; returns it. */
  prepare(): Promise<{ id: string; receivedAt: number }>;
  /** What one more round looks like, one second before the give-up age. */
  goesRound: { nextInSeconds: number; closed: false; chase?: string };
  /** The event that round records (and the message it sends), if any. */
  roundEvent?: string;
}

const LOOPS: [string, Loop][] = [
  [
    'triage, escalating daily after the breach',
    {
      kind: 'triage',
      async prepare() {
        const referral = await waitingReferral();
        at(referral.receivedAt, DAY_MS + 1000); // the 24-hour breach (a second after the deadline), recorded once
        await stepTimedOut({ referralId: referral.id, kind: 'triage' });
        return referral;
      },
      goesRound: { nextInSeconds: DAY_SECONDS, closed: false },
      roundEvent: 'triage_still_overdue',
    },
  ],
  [
    'senior review, escalating every 3 days',
    {
      kind: 'senior-review',
      async prepare() {
        const referral = await waitingReferral();
        await waitingOn(referral.id, 'senior-review', referral.receivedAt);
        return referral;
      },
      goesRound: { nextInSeconds: 3 * DAY_SECONDS, closed: false },
      roundEvent: 'senior_review_overdue',
    },
  ],
  [
    'the appointment outcome, chased every 2 days',
    {
      kind: 'outcome',
      async prepare() {
        const referral = await waitingReferral();
        await waitingOn(referral.id, 'outcome', referral.receivedAt);
        return referral;
      },
      goesRound: { nextInSeconds: 2 * DAY_SECONDS, closed: false },
      roundEvent: 'outcome_overdue',
    },
  ],
  [
    "the booking team's worklist, escalating daily after the give-up",
    {
      kind: 'booking',
      async prepare() {
        // No mobile: the booking team books from the worklist, and escalation never closes it.
        const { mobile: _, ...patient } = validReferral().patient;
        const referral = await waitingReferral({ ...validReferral(), patient });
        at(referral.receivedAt, DAY_MS);
        expect((await prepareBooking(referral.id)).channel).toBe('staff');
        return referral;
      },
      goesRound: { nextInSeconds: DAY_SECONDS, closed: false, chase: 'escalate' },
    },
  ],
];

describe('the give-up age', () => {
  it('is 300 days by default, inside the 365-day execution limit', () => {
    expect(config().WORKFLOW_GIVE_UP_DAYS).toBe(300);
  });

  describe.each(LOOPS)('%s', (_, loop) => {
    it('goes round again one second before the referral is 300 days old', async () => {
      const { id, receivedAt } = await loop.prepare();
      at(receivedAt, GIVE_UP_MS - 1000);
      const events = (await h.load(id)).timeline.length;
      await expect(stepTimedOut({ referralId: id, kind: loop.kind })).resolves.toEqual(loop.goesRound);
      const added = (await h.load(id)).timeline.slice(events).map((e) => e.type);
      expect(added).toEqual(loop.roundEvent ? [loop.roundEvent] : []);
    });

    it('stops waiting, as StoppedWaiting, once the referral is 300 days old, sending and recording nothing itself', async () => {
      const { id, receivedAt } = await loop.prepare();
      at(receivedAt, GIVE_UP_MS);
      const before = { messages: h.outbox.list().length, events: (await h.load(id)).timeline.length };
      const timer = stepTimedOut({ referralId: id, kind: loop.kind });
      await expect(timer).rejects.toBeInstanceOf(StoppedWaitingError);
      // The state machine matches the error by name: the no-retry entry, then Catch → RecordFailure.
      await expect(timer).rejects.toMatchObject({ name: 'StoppedWaiting' });
      expect(h.outbox.list()).toHaveLength(before.messages);
      expect((await h.load(id)).timeline).toHaveLength(before.events);
    });
  });

  it.each<StepKind>(['booking', 'information'])('stops the %s timer too once the referral is 300 days old', async (kind) => {
    const { id, receivedAt } = await waitingReferral();
    at(receivedAt, GIVE_UP_MS);
    await expect(stepTimedOut({ referralId: id, kind })).rejects.toBeInstanceOf(StoppedWaitingError);
  });
});

describe('a referral that stopped waiting', () => {
  it('is marked workflow_failed and the service lead is asked to act, told that nobody acted for 300 days', async () => {
    const { id, receivedAt } = await waitingReferral();
    at(receivedAt, GIVE_UP_MS);
    const stopped = await stepTimedOut({ referralId: id, kind: 'triage' }).catch((error: Error) => error);

    // What RecordFailure does with the caught error's name.
    await recordWorkflowFailure(id, (stopped as Error).name);

    const { referral, timeline } = await h.load(id);
    expect(referral.status).toBe('workflow_failed');
    expect(timeline.find((e) => e.type === 'workflow_failed')!.detail).toEqual({ error: 'StoppedWaiting', stoppedFrom: 'awaiting_triage' });
    expect(timeline.find((e) => e.type === 'service_lead_alerted')!.detail).toMatchObject({ reason: 'workflow_failed' });
    const [email] = h.messages({ channel: 'email', to: 'service-lead' });
    expect(email!.subject).toBe(`Action needed: referral ${id} has stopped (workflow_failed)`);
    expect(email!.body).toContain(`The automatic workflow for referral ${id} stopped: nobody acted on it for 300 days since it arrived`);
    expect(email!.body).not.toContain('repeated attempts');
  });
});
