/**
 * After a restart, the local runtime has lost its in-memory executions. The data on disk says
 * where each referral stands, so each waiting referral's workflow is re-entered at the state it
 * was waiting in, with the timers it would have had. Steps that re-open a human step reuse the
 * link already sent (no second email). In AWS none of this is needed: Step Functions Standard
 * keeps executions for up to a year.
 */
import type { Referral } from '../shared/domain/referral.js';
import type { ReferralStatus } from '../shared/domain/vocabulary.js';
import { getReferral, referralsInStatus } from '../shared/store/referrals.js';
import type { LocalWorkflow } from './workflow-runner.js';

type ResumeAt = (r: Referral) => { state: string; input: Record<string, unknown> };

/**
 * For each status a workflow waits in: the state to re-enter, and the input it needs there. Read
 * from the steps themselves (each names where it waits, and in which statuses), so a new step is
 * resumed without an edit here; `received` is the one wait before any step. The steps are loaded
 * on first use, as Lambda loads a handler: the runtime imports no service code itself, so that the
 * logger is created (and binds its output) only once a handler runs.
 */
export async function resumePoints(): Promise<Partial<Record<ReferralStatus, ResumeAt>>> {
  const { STEPS } = await import('../shared/services/steps/index.js');
  return Object.fromEntries([
    ['received', () => ({ state: 'ScreenReferral', input: {} })],
    ...Object.values(STEPS).flatMap(({ waits }) =>
      waits.statuses.map((status): [ReferralStatus, ResumeAt] => [
        status,
        (r) => ({ state: waits.state, input: waits.resumeInput?.(r) ?? {} }),
      ]),
    ),
  ]);
}

/** The referrals waiting in a status, read in full (the index holds only their ids). */
async function referralsIn(status: ReferralStatus): Promise<Referral[]> {
  const found: Referral[] = [];
  for await (const page of referralsInStatus(status, { before: '9' })) {
    for (const { id } of page) {
      const referral = await getReferral(id);
      if (referral) found.push(referral);
    }
  }
  return found;
}

/** Re-enters every waiting referral's workflow; returns how many per status. */
export async function resumeWaitingReferrals(workflow: LocalWorkflow): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [status, resumeAt] of Object.entries(await resumePoints()) as [ReferralStatus, ResumeAt][]) {
    for (const referral of await referralsIn(status)) {
      const { state, input } = resumeAt(referral);
      await workflow.resumeReferralWorkflow(referral.id, state, input);
      counts[status] = (counts[status] ?? 0) + 1;
    }
  }
  return counts;
}
