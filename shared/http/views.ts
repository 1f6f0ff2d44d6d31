/** What the API returns about a referral: status, outcome and timeline, not the patient record. */
import type { Referral, ReferralEvent } from '../domain/referral.js';

function summary(referral: Referral) {
  return {
    id: referral.id,
    status: referral.status,
    source: referral.source,
    receivedAt: referral.receivedAt,
    triageDueAt: referral.triageDueAt,
  };
}

export function referralReceipt(referral: Referral, location: string) {
  return { ...summary(referral), links: { self: location } };
}

export function referralStatusView(referral: Referral, timeline: ReferralEvent[]) {
  return {
    ...summary(referral),
    updatedAt: referral.updatedAt,
    ...(referral.screening ? { priority: referral.screening.priority, suggestedService: referral.screening.service } : {}),
    // The decision, its advice or question for the referrer, and who made it.
    ...(referral.outcome ? { outcome: referral.outcome } : {}),
    timeline: timeline.map(({ type, at, actor }) => ({ type, at, actor })),
  };
}
