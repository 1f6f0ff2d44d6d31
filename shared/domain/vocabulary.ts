/**
 * The workflow's words, each listed once: statuses, human steps, routes, notices and timeline
 * events. Types, zod enums and the ASL's Choice values come from (or are checked against,
 * test/unit/vocabulary.test.ts) these lists. No imports and no validators, so that code needing
 * only these words (reporting, retention) bundles nothing else.
 *
 * Two spellings on purpose: statuses and event types are stored data (snake_case, as DynamoDB and
 * the figures read them); routes, notices and step kinds travel through the state machine
 * (kebab-case, as the ASL and the links carry them). Renaming either would break stored referrals
 * or running executions, so the mapping between them is written down here instead (see
 * `ROUTE_STATUS`).
 */

/** Statuses a referral ends in: the workflow has finished and nothing more will happen to it. */
export const CLOSED_STATUSES = [
  'redirected_emergency',
  'redirected',
  'referred_to_secondary_care',
  'returned_to_referrer',
  'closed_self_management',
  // The patient declined the service on the first contact call.
  'closed_declined',
  'unable_to_contact',
  'cancelled_by_patient',
  'attended_discharged',
  'attended_follow_up',
  'closed_did_not_attend',
  'onward_referral',
  // A journey that stopped (a failure), closed by the service lead with a reason.
  'closed_by_service',
] as const;

/** Statuses that stop the journey for a person to carry on (a message that would not go, a step that kept failing). */
export const FAILED_STATUSES = ['notification_failed', 'workflow_failed'] as const;

/**
 * Where a referral stands. Every referral ends in a status a person can read and act on: closed,
 * or stopped for a person to carry on.
 */
export const REFERRAL_STATUSES = [
  'received',
  'awaiting_call',
  'awaiting_triage',
  'accepted',
  'awaiting_senior_review',
  'information_requested',
  'awaiting_booking',
  'booking_worklist',
  'booked',
  ...CLOSED_STATUSES,
  ...FAILED_STATUSES,
] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/**
 * The human steps: the workflow waits (with a task token) until a person acts. Each has its own
 * module under shared/services/steps/.
 */
export const STEP_KINDS = ['call', 'triage', 'senior-review', 'information', 'booking', 'outcome'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/**
 * Who acts on each step through a link: staff (a decision page), the patient (a texted link), or
 * nobody (the referrer answers a request for information through the API).
 */
export const STEP_LINKS = {
  call: { staff: true, patient: false },
  triage: { staff: true, patient: false },
  'senior-review': { staff: true, patient: false },
  information: { staff: false, patient: false },
  booking: { staff: true, patient: true },
  outcome: { staff: true, patient: false },
} as const satisfies Record<StepKind, { staff: boolean; patient: boolean }>;

/**
 * What a link (a stored task) leads to: a human step, a patient's own appointment, or their
 * questionnaire (outcome measures and the Friends and Family Test; no workflow waits on it).
 */
export type TaskKind = StepKind | 'appointment' | 'questionnaire';

/**
 * Notices: how a referral's closing is told to whoever should hear (referrer email, or a text to
 * a self-referring patient). The workflow's NotifyOutcome state passes one to notify-outcome.
 */
export const NOTICES = [
  'returned',
  'redirected',
  'self-management',
  'referred-to-secondary-care',
  'no-information',
  'unable-to-contact',
  'attended-discharged',
  'onward-referral',
  'closed-did-not-attend',
  'declined',
] as const;
export type Notice = (typeof NOTICES)[number];

/**
 * Routes: what a human step's decision tells the state machine to do next (its RouteDecision
 * Choice). A route that closes the referral with a notice has the notice's name: the Choice's
 * Default sends it to NotifyOutcome as is.
 */
export const ROUTES = [
  'accepted',
  'redirected',
  'secondary-care-review',
  'returned',
  'self-management',
  'information-requested',
  'information-received',
  'referred-to-secondary-care',
  'booked',
  'attended-discharged',
  'attended-follow-up',
  'rebook',
  'closed-did-not-attend',
  'onward-referral',
  // The first contact call's outcomes (besides booked, self-management and secondary-care-review).
  'call-triage',
  'emergency',
  'declined',
  'not-reached',
] as const;
export type Route = (typeof ROUTES)[number];

/** The status each route leaves the referral in (the decision writes both, in one transaction). */
export const ROUTE_STATUS = {
  accepted: 'accepted',
  redirected: 'redirected',
  'secondary-care-review': 'awaiting_senior_review',
  returned: 'returned_to_referrer',
  'self-management': 'closed_self_management',
  'information-requested': 'information_requested',
  'information-received': 'awaiting_triage',
  'referred-to-secondary-care': 'referred_to_secondary_care',
  booked: 'booked',
  'attended-discharged': 'attended_discharged',
  'attended-follow-up': 'attended_follow_up',
  rebook: 'awaiting_booking',
  'closed-did-not-attend': 'closed_did_not_attend',
  'onward-referral': 'onward_referral',
  'call-triage': 'awaiting_triage',
  // Still the call's status until RedirectEmergency tells the patient and closes it: a failure on
  // the way is then retried from the call, whose recorded decision leads straight back here.
  emergency: 'awaiting_call',
  declined: 'closed_declined',
  // Not reached by phone: offered booking as if accepted, with screening's service and priority.
  'not-reached': 'accepted',
} as const satisfies Record<Route, ReferralStatus>;

/** When patients are asked their outcome measures: before treatment, and after discharge (questionnaires.ts). */
export const TIMEPOINTS = ['baseline', 'follow-up'] as const;
export type Timepoint = (typeof TIMEPOINTS)[number];

/** Outcome measures: a score at baseline and at follow-up, whose change is the outcome (questionnaires.ts). */
export const MEASURE_IDS = ['msk-hq', 'pain', 'psfs', 'groc'] as const;
export type MeasureId = (typeof MEASURE_IDS)[number];

/** Everything that can appear on a referral's timeline. */
export const EVENT_TYPES = [
  // Arrival and screening
  'received',
  'screened',
  'redirected_emergency',
  'service_lead_alerted',
  // Human steps
  'task_opened',
  'call_attempted',
  'call_reminder_sent',
  'call_target_missed',
  'call_still_overdue',
  'call_outcome_recorded',
  'triage_team_emailed',
  'triage_reminder_sent',
  'triage_sla_breached',
  'triage_still_overdue',
  'triage_decided',
  'senior_clinicians_emailed',
  'senior_review_overdue',
  'senior_review_decided',
  'information_received',
  'information_not_received',
  'clinic_team_emailed',
  'outcome_overdue',
  'appointment_outcome_recorded',
  // Booking
  'booking_invited',
  'booking_worklist',
  'booking_chased',
  'booking_team_emailed',
  'booking_worklist_chased',
  'booking_worklist_escalated',
  'unable_to_contact',
  'appointment_booked',
  'appointment_rearranged',
  'appointment_link_created',
  'appointment_reminder_sent',
  'appointment_cancelled',
  'appointment_cancelled_by_clinic',
  // Outcome measures and the Friends and Family Test (shared/domain/questionnaires.ts)
  'questionnaire_invited',
  'questionnaire_answered',
  'questionnaire_not_sent',
  // Messages
  'patient_texted',
  'patient_not_contactable',
  'text_withheld',
  'referrer_emailed',
  'service_lead_emailed',
  // A status change the referrer's system never acknowledged, after every retry (status sent back)
  'status_callback_failed',
  // Failures and housekeeping
  'notification_failed',
  'workflow_failed',
  'closed_by_service',
  'workflow_retried',
  'personal_data_removed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
