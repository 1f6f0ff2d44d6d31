/**
 * Referral statuses, apart from the referral schema so that code needing only these (reporting,
 * retention) does not bundle the schema's validators (phone numbers, NHS numbers).
 */

/** Statuses a referral ends in: the workflow has finished and nothing more will happen to it. */
export const CLOSED_STATUSES = [
  'redirected_emergency',
  'redirected',
  'referred_to_secondary_care',
  'returned_to_referrer',
  'closed_self_management',
  'unable_to_contact',
  'cancelled_by_patient',
  'attended_discharged',
  'attended_follow_up',
  'closed_did_not_attend',
  'onward_referral',
] as const;

/**
 * Where a referral stands. Every referral ends in a status a person can read and act on: closed,
 * or stopped for a person to carry on (a message that would not go, a step that kept failing).
 */
export const REFERRAL_STATUSES = [
  'received',
  'awaiting_triage',
  'accepted',
  'awaiting_senior_review',
  'information_requested',
  'awaiting_booking',
  'booking_worklist',
  'booked',
  ...CLOSED_STATUSES,
  'notification_failed',
  'workflow_failed',
] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];
