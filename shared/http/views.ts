/** What the API returns about a referral: status and timeline, not the patient record. */
import type { Referral, ReferralEvent } from '../domain/referral.js';

export function referralReceipt(referral: Referral, location: string) {
  return {
    id: referral.id,
    status: referral.status,
    source: referral.source,
    receivedAt: referral.receivedAt,
    triageDueAt: referral.triageDueAt,
    links: { self: location },
  };
}

export function referralStatusView(referral: Referral, timeline: ReferralEvent[]) {
  return {
    id: referral.id,
    status: referral.status,
    source: referral.source,
    receivedAt: referral.receivedAt,
    triageDueAt: referral.triageDueAt,
    updatedAt: referral.updatedAt,
    ...(referral.screening ? { priority: referral.screening.priority, suggestedService: referral.screening.service } : {}),
    timeline: timeline.map(({ type, at, actor }) => ({ type, at, actor })),
  };
}
