/**
 * The FHIR words for the service's own, each written once: identifier and code systems, the body
 * sites as SNOMED CT codes, the red flags as coded answers, and what each referral status reads as
 * on a FHIR Task. The mapping code (shared/http/fhir/) and the README's tables read these.
 */
import { BODY_SITES, type BodySite, RED_FLAGS, type RedFlag } from './referral.js';
import type { ReferralStatus } from './vocabulary.js';

export const FHIR_SYSTEMS = {
  /** NHS England's identifier systems. */
  nhsNumber: 'https://fhir.nhs.uk/Id/nhs-number',
  odsCode: 'https://fhir.nhs.uk/Id/ods-organization-code',
  snomed: 'http://snomed.info/sct',
  /** This service's own: its referral ids, red-flag answers and statuses (no public code system exists for them). */
  referralId: 'urn:msk-pathway:referral-id',
  redFlag: 'urn:msk-pathway:red-flag',
  referralStatus: 'urn:msk-pathway:referral-status',
} as const;

/**
 * Body sites as SNOMED CT body structure concepts: the first code of each is the one the service
 * sends back; any listed code is accepted. One table, both directions. A clinical terminologist
 * should confirm it against the UK edition in use before go-live (hazard H51).
 */
export const BODY_SITE_SNOMED = {
  neck: [{ code: '45048000', display: 'Neck structure' }],
  'upper-back': [{ code: '122495006', display: 'Thoracic spine structure' }],
  'lower-back': [{ code: '37822005', display: 'Lower back structure' }],
  shoulder: [{ code: '16982005', display: 'Shoulder region structure' }],
  elbow: [{ code: '127949000', display: 'Elbow region structure' }],
  'wrist-hand': [
    { code: '8205005', display: 'Wrist region structure' },
    { code: '74670003', display: 'Wrist joint structure' },
    { code: '85562004', display: 'Hand structure' },
  ],
  hip: [{ code: '29836001', display: 'Hip region structure' }],
  knee: [{ code: '72696002', display: 'Knee region structure' }],
  'foot-ankle': [
    { code: '344001', display: 'Ankle region structure' },
    { code: '56459004', display: 'Foot structure' },
  ],
  'multiple-joints': [{ code: '39352004', display: 'Joint structure' }],
} as const satisfies Record<BodySite, readonly { code: string; display: string }[]>;

const SITE_BY_CODE = new Map<string, BodySite>(BODY_SITES.flatMap((site) => BODY_SITE_SNOMED[site].map(({ code }) => [code, site])));

/** The service's body site for a SNOMED CT code, if it is one the table knows. */
export function bodySiteOfSnomed(code: string): BodySite | undefined {
  return SITE_BY_CODE.get(code);
}

/**
 * The referral questionnaire's items (a QuestionnaireResponse in the message): how long, how bad,
 * and each red flag present, as a coding of `FHIR_SYSTEMS.redFlag` with the API's own code, or
 * `NO_RED_FLAGS` alone when there are none (an item with no answer was not answered, so it is refused).
 */
export const QUESTION = { durationWeeks: 'duration-weeks', painScore: 'pain-score', redFlags: 'red-flags' } as const;

/** What each red-flag code means, as a referrer's system would show it. */
export const RED_FLAG_DISPLAY = {
  'bladder-or-bowel-dysfunction': 'New bladder or bowel dysfunction',
  'saddle-anaesthesia': 'Saddle anaesthesia',
  'progressive-leg-weakness': 'Progressive leg weakness',
  'history-of-cancer': 'History of cancer',
  'unexplained-weight-loss': 'Unexplained weight loss',
  'fever-or-infection-risk': 'Fever or risk of infection',
  'recent-trauma': 'Recent significant trauma',
  'inflammatory-symptoms': 'Inflammatory symptoms (morning stiffness, swelling)',
} as const satisfies Record<RedFlag, string>;

/** The red-flag item's answer that says there are none: said, never assumed from an empty item (hazard H52). */
export const NO_RED_FLAGS = { code: 'none', display: 'No red flags' } as const;

export const isRedFlag = (code: string): code is RedFlag => (RED_FLAGS as readonly string[]).includes(code);

/** FHIR R4 Task.status codes used here. */
export type FhirTaskStatus = 'received' | 'accepted' | 'in-progress' | 'on-hold' | 'rejected' | 'cancelled' | 'completed';

/**
 * Each status as a FHIR Task: its Task.status and its businessStatus text. Typed by every status,
 * so a status added to the vocabulary without a row here does not compile
 * (test/unit/fhir-mapping.test.ts checks it at run time too, and the README's table against it).
 */
export const TASK_STATUS: Record<ReferralStatus, { task: FhirTaskStatus; display: string }> = {
  received: { task: 'received', display: 'Received' },
  awaiting_call: { task: 'received', display: 'Awaiting first contact call' },
  awaiting_triage: { task: 'received', display: 'Awaiting triage' },
  accepted: { task: 'accepted', display: 'Accepted by triage' },
  awaiting_senior_review: { task: 'received', display: 'Awaiting senior clinical review' },
  information_requested: { task: 'on-hold', display: 'Information requested from the referrer' },
  awaiting_booking: { task: 'accepted', display: 'Awaiting booking by the patient' },
  booking_worklist: { task: 'accepted', display: 'Being booked by telephone' },
  booked: { task: 'in-progress', display: 'Appointment booked' },
  redirected_emergency: { task: 'rejected', display: 'Closed: sent to emergency care' },
  redirected: { task: 'rejected', display: 'Closed: redirected to another service' },
  referred_to_secondary_care: { task: 'rejected', display: 'Closed: referred to secondary care' },
  returned_to_referrer: { task: 'rejected', display: 'Closed: returned to the referrer with advice' },
  closed_self_management: { task: 'completed', display: 'Closed: supported self-management' },
  unable_to_contact: { task: 'cancelled', display: 'Closed: unable to contact the patient' },
  cancelled_by_patient: { task: 'cancelled', display: 'Closed: cancelled by the patient' },
  closed_declined: { task: 'cancelled', display: 'Closed: patient declined' },
  attended_discharged: { task: 'completed', display: 'Closed: attended and discharged' },
  attended_follow_up: { task: 'completed', display: 'Closed: attended, follow-up arranged' },
  closed_did_not_attend: { task: 'cancelled', display: 'Closed: did not attend' },
  onward_referral: { task: 'completed', display: 'Closed: referred onward' },
  closed_by_service: { task: 'cancelled', display: 'Closed by the service' },
  notification_failed: { task: 'on-hold', display: 'On hold: a message could not be sent, the service is resolving it' },
  workflow_failed: { task: 'on-hold', display: 'On hold: the service is resolving a problem' },
};

/** ServiceRequest.status follows the Task: finished, stopped, paused, or still active. */
export function serviceRequestStatus(task: FhirTaskStatus): 'active' | 'on-hold' | 'revoked' | 'completed' {
  if (task === 'completed') return 'completed';
  if (task === 'rejected' || task === 'cancelled') return 'revoked';
  return task === 'on-hold' ? 'on-hold' : 'active';
}
