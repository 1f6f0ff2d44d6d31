/** Where the workflow lands when a step fails beyond its retries: a status people can see. */
import { nowIso } from '../clock.js';
import { changeReferral, getReferral } from '../store/referrals.js';
import { ReferralNotFoundError } from './screening.js';

export async function recordWorkflowFailure(referralId: string, errorName: string): Promise<void> {
  const referral = await getReferral(referralId);
  if (!referral) throw new ReferralNotFoundError(referralId);
  await changeReferral(referral, {
    status: 'workflow_failed',
    event: { type: 'workflow_failed', at: nowIso(), actor: 'system:workflow', detail: { error: errorName } },
  });
}
