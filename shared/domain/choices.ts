/**
 * The choices staff pick from on decision pages, with the words people read: triage decisions,
 * where a referral can be redirected, priorities, and appointment outcomes. The rules each choice
 * leads to live with its step (shared/services/steps/); pages, emails and the figures read the
 * labels from here.
 */
export const DECISIONS = {
  accept: 'Accept',
  redirect: 'Redirect',
  return: 'Return to referrer',
  'self-management': 'Self-management',
  'request-information': 'Request information',
} as const;
export type DecisionKind = keyof typeof DECISIONS;

/** Where a referral can be redirected. Secondary care needs a senior clinician to confirm first. */
export const REDIRECT_DESTINATIONS = {
  'orthopaedic-surgery': { label: 'Secondary care: orthopaedic surgery', secondaryCare: true },
  'spinal-surgery': { label: 'Secondary care: spinal surgery', secondaryCare: true },
  'rheumatology-consultant': { label: 'Secondary care: consultant rheumatology', secondaryCare: true },
  'pain-clinic': { label: 'Secondary care: hospital pain clinic', secondaryCare: true },
  'falls-service': { label: 'Community falls service', secondaryCare: false },
  'mental-health-talking-therapies': { label: 'NHS Talking Therapies', secondaryCare: false },
} as const;
export type RedirectDestination = keyof typeof REDIRECT_DESTINATIONS;

/** The secondary care destinations (a senior clinician confirms these), by label. */
export const SECONDARY_CARE_DESTINATIONS = Object.fromEntries(
  Object.entries(REDIRECT_DESTINATIONS)
    .filter(([, d]) => d.secondaryCare)
    .map(([k, d]) => [k, d.label]),
) as Record<string, string>;

/**
 * Surgery screening, asked at senior review: does the patient want surgery after discussing the
 * options, and are they fit for it. Only "wants it" and "fit" goes on to secondary care.
 */
export const SURGERY_WISH = { yes: 'Yes, wants surgery', no: 'No', undecided: 'Undecided' } as const;
export const SURGERY_FITNESS = {
  yes: 'Fit for surgery',
  'not-yet': 'Not yet: something to optimise first',
  no: 'Not fit for surgery',
} as const;

/**
 * The first contact call. An attempt that does not reach the patient, and the telephone
 * assessment's outcomes once it does.
 */
export const CALL_ATTEMPT_RESULTS = {
  'no-answer': 'No answer',
  'wrong-number': 'Wrong number: someone else answered',
} as const;
export type CallAttemptResult = keyof typeof CALL_ATTEMPT_RESULTS;

export const CALL_OUTCOMES = {
  'self-management': 'Advice and self-management',
  book: 'Book a face-to-face appointment',
  triage: 'Needs clinician triage',
  'senior-review': 'Needs senior review (e.g. considering surgery)',
  emergency: 'Red flag: emergency care now',
  declined: 'Patient declines the service',
} as const;
export type CallOutcome = keyof typeof CALL_OUTCOMES;

export const PRIORITIES = { urgent: 'Urgent (seen within 5 days)', routine: 'Routine (seen within 4 weeks)' } as const;

export const APPOINTMENT_OUTCOMES = {
  'attended-discharged': 'Attended — discharged',
  'attended-follow-up': 'Attended — follow-up',
  'did-not-attend': 'Did not attend',
  'onward-referral': 'Onward referral',
} as const;

/** An object's keys as a zod enum wants them. */
export const keysOf = <T extends object>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];
