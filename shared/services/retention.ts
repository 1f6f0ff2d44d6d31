/**
 * The retention rule: once a referral has been closed for PERSONAL_DATA_RETENTION_DAYS, its personal
 * data goes: the patient's details, the referrer's name and email, the complaint's free text, the
 * advice or question in the outcome, and every note (clinicians' reasons, referrers' answers).
 * What stays is what the audit trail and the figures need: codes, times, the practice's ODS code
 * and the events, which hold no personal data and are never rewritten. Run daily.
 */
import { now, nowIso } from '../clock.js';
import { config } from '../config.js';
import type { Referral } from '../domain/referral.js';
import { daysAfter } from '../domain/time.js';
import { CLOSED_STATUSES } from '../domain/vocabulary.js';
import { logger } from '../logger.js';
import { tableName } from '../store/dynamo.js';
import { changeReferral, getReferralWithTimeline, referralsInStatus } from '../store/referrals.js';

export async function removeExpiredPersonalData(): Promise<{ removed: number }> {
  const cutoff = daysAfter(now(), -config().PERSONAL_DATA_RETENTION_DAYS);
  let removed = 0;
  for (const status of CLOSED_STATUSES) {
    for await (const page of referralsInStatus(status, { before: cutoff })) {
      for (const { id, personalDataRemovedAt } of page) {
        if (personalDataRemovedAt) continue;
        if (await removePersonalDataIfClosedBefore(id, cutoff)) removed++;
      }
    }
  }
  logger.info('retention rule ran', { cutoff, removed });
  return { removed };
}

/** Removes it if the referral's last change (its closure) was before `cutoff`. */
async function removePersonalDataIfClosedBefore(referralId: string, cutoff: string): Promise<boolean> {
  const found = await getReferralWithTimeline(referralId);
  if (!found || found.referral.updatedAt >= cutoff) return false;
  const { referral, noteKeys } = found;
  const at = nowIso();
  const { summary, ...complaint } = referral.complaint;
  await changeReferral(
    referral,
    {
      set: {
        patient: undefined,
        referrer: referral.referrer && ({ odsCode: referral.referrer.odsCode } as Referral['referrer']),
        complaint: complaint as Referral['complaint'],
        outcome: referral.outcome && { ...referral.outcome, message: undefined },
        personalDataRemovedAt: at,
      } as Partial<Referral>,
      event: {
        type: 'personal_data_removed',
        at,
        actor: 'system:retention',
        detail: { retentionDays: config().PERSONAL_DATA_RETENTION_DAYS, notesRemoved: noteKeys.length },
      },
    },
    noteKeys.map((Key) => ({ Delete: { TableName: tableName(), Key } })),
  );
  return true;
}
