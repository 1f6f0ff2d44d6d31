/**
 * Automatic screening: red flags set the priority, and the complaint suggests a service.
 * Both are tables read top to bottom, so that a clinician can review the rules in one place.
 * The clinician at triage can change either; this is a suggestion, never the decision.
 */
import { numbersToCall } from './contact.js';
import type { BodySite, FirstContact, Priority, RedFlag, ReferralRequest, Screening } from './referral.js';

export const SERVICES = {
  physiotherapy: 'Physiotherapy',
  rheumatology: 'Rheumatology',
  'pain-management': 'Pain management',
  'orthopaedic-triage': 'Orthopaedic triage',
  podiatry: 'Podiatry (foot and ankle)',
  spinal: 'Spinal clinic',
} as const;
export type ServiceId = keyof typeof SERVICES;

/** A service's name for people, from its code (figures group the rest as `unknown`: "Not known"). */
export const serviceName = (service: string) => SERVICES[service as ServiceId] ?? (service === 'unknown' ? 'Not known' : service);

/** What each red flag may mean, and how fast it must be acted on. */
export const RED_FLAG_RULES: Record<RedFlag, { priority: Exclude<Priority, 'routine'>; suspicion: string }> = {
  'bladder-or-bowel-dysfunction': { priority: 'emergency', suspicion: 'suspected cauda equina syndrome' },
  'saddle-anaesthesia': { priority: 'emergency', suspicion: 'suspected cauda equina syndrome' },
  'progressive-leg-weakness': { priority: 'emergency', suspicion: 'suspected cauda equina syndrome' },
  'history-of-cancer': { priority: 'urgent', suspicion: 'possible cancer' },
  'unexplained-weight-loss': { priority: 'urgent', suspicion: 'possible cancer' },
  'fever-or-infection-risk': { priority: 'urgent', suspicion: 'possible infection' },
  'recent-trauma': { priority: 'urgent', suspicion: 'possible fracture' },
  'inflammatory-symptoms': { priority: 'urgent', suspicion: 'possible inflammatory arthritis' },
};

const SPINE: readonly BodySite[] = ['neck', 'upper-back', 'lower-back'];
const LARGE_JOINTS: readonly BodySite[] = ['shoulder', 'hip', 'knee'];

interface ServiceRule {
  service: ServiceId;
  reason: string;
  applies(r: Pick<ReferralRequest, 'complaint' | 'redFlags'>): boolean;
}

/** First rule that applies wins; the last one always does. */
export const SERVICE_RULES: readonly ServiceRule[] = [
  {
    service: 'rheumatology',
    reason: 'inflammatory symptoms or several joints',
    applies: (r) => r.redFlags.includes('inflammatory-symptoms') || r.complaint.bodySite === 'multiple-joints',
  },
  {
    service: 'podiatry',
    reason: 'foot or ankle problem',
    applies: (r) => r.complaint.bodySite === 'foot-ankle',
  },
  {
    service: 'pain-management',
    reason: 'severe pain for six months or more',
    applies: (r) => r.complaint.durationWeeks >= 26 && r.complaint.painScore >= 8,
  },
  {
    service: 'spinal',
    reason: 'spinal problem for twelve weeks or more',
    applies: (r) => SPINE.includes(r.complaint.bodySite) && r.complaint.durationWeeks >= 12,
  },
  {
    service: 'orthopaedic-triage',
    reason: 'large joint, severe pain for twelve weeks or more',
    applies: (r) => LARGE_JOINTS.includes(r.complaint.bodySite) && r.complaint.durationWeeks >= 12 && r.complaint.painScore >= 7,
  },
  {
    service: 'physiotherapy',
    reason: 'first-line care for muscle and joint problems',
    applies: () => true,
  },
];

const PRIORITY_ORDER: Record<Priority, number> = { routine: 0, urgent: 1, emergency: 2 };

export function screenReferral(referral: Pick<ReferralRequest, 'complaint' | 'redFlags'>): Screening {
  let priority: Priority = 'routine';
  const reasons: string[] = [];
  for (const flag of referral.redFlags) {
    const rule = RED_FLAG_RULES[flag];
    if (PRIORITY_ORDER[rule.priority] > PRIORITY_ORDER[priority]) priority = rule.priority;
    if (!reasons.includes(rule.suspicion)) reasons.push(rule.suspicion);
  }
  const serviceRule = SERVICE_RULES.find((rule) => rule.applies(referral))!;
  reasons.push(serviceRule.reason);
  return { priority, service: serviceRule.service, reasons };
}

/** Which referrals the service phones first (FIRST_CONTACT_CALL, FIRST_CONTACT_PRIORITIES). */
export interface FirstContactRule {
  sources: readonly ReferralRequest['source'][];
  priorities: readonly Exclude<Priority, 'emergency'>[];
}

/**
 * Where a screened referral starts: a first contact call if the service phones referrals of its
 * source and priority first (with a number to call; without one, straight to booking), else triage.
 * An emergency never waits for a call.
 */
export function firstContactFor(
  referral: Pick<ReferralRequest, 'source' | 'patient'>,
  screening: Screening,
  rule: FirstContactRule,
): FirstContact {
  const { priority } = screening;
  if (priority === 'emergency' || !rule.sources.includes(referral.source) || !rule.priorities.includes(priority)) return 'triage';
  return numbersToCall(referral.patient).length ? 'call' : 'booking';
}
