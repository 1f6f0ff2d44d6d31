/**
 * Every waiting step's timer ends the wait once the referral is WORKFLOW_GIVE_UP_DAYS old, so no
 * execution runs into Step Functions' one-year limit and ends unseen.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock, useClock } from '../../shared/clock.js';
import { config } from '../../shared/config.js';
import { StoppedWaitingError, taskTimedOut } from '../../shared/services/tasks.js';
import type { TaskKind } from '../../shared/domain/referral.js';
import { validReferral } from '../support/fixtures.js';
import { until, workflowHarness } from '../support/harness.js';

const DAY_MS = 86_400_000;
let h: Awaited<ReturnType<typeof workflowHarness>>;
let restoreClock = () => {};
beforeEach(async () => {
  h = await workflowHarness();
});
afterEach(() => restoreClock());

async function referralAgedBy(days: number): Promise<string> {
  const id = await h.refer(validReferral());
  const { referral } = await until(async () => {
    const loaded = await h.load(id);
    return loaded.timeline.some((e) => e.type === 'triage_team_emailed') && loaded;
  }, 'triage to open');
  restoreClock = useClock(fixedClock(new Date(Date.parse(referral.receivedAt) + days * DAY_MS)));
  return id;
}

describe('the give-up age', () => {
  it('is 300 days by default, inside the 365-day execution limit', () => {
    expect(config().WORKFLOW_GIVE_UP_DAYS).toBe(300);
  });

  it('leaves a 299-day-old untriaged referral escalating daily', async () => {
    const id = await referralAgedBy(299);
    await expect(taskTimedOut({ referralId: id, kind: 'triage' })).resolves.toMatchObject({ closed: false });
  });

  it.each<TaskKind>(['triage', 'senior-review', 'booking', 'outcome', 'information'])(
    'stops the %s timer once the referral is 300 days old',
    async (kind) => {
      const id = await referralAgedBy(300);
      const outbox = h.outbox.list().length;
      await expect(taskTimedOut({ referralId: id, kind })).rejects.toBeInstanceOf(StoppedWaitingError);
      // Nothing more is sent by the timer itself: the failure path tells the service lead.
      expect(h.outbox.list()).toHaveLength(outbox);
    },
  );
});
