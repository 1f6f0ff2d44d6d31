/**
 * Staff emails sent as their own workflow steps, so that the functions that text patients never
 * also need to publish to staff topics (an SMS role is fenced off every SNS ARN).
 */
import { mobileForTexts } from '../domain/contact.js';
import { type Email, staffEmails } from '../domain/emails.js';
import type { Referral } from '../domain/referral.js';
import type { EventType } from '../domain/vocabulary.js';
import type { StaffAudience } from '../ports/notifier.js';
import { loadReferral } from '../store/referrals.js';
import { taskLink } from './links.js';
import { emailStaff } from './notifications.js';

type Message = { audience: StaffAudience; event: EventType; email: (referral: Referral, link: string) => Email };

export const STAFF_MESSAGES = {
  // Told whether the patient can be texted: with no mobile, someone must phone them now.
  emergency: {
    audience: 'service-lead',
    event: 'service_lead_emailed',
    email: (r) => staffEmails.emergency({ reference: r.id, patientTexted: Boolean(mobileForTexts(r)) }),
  },
  'call-emergency': {
    audience: 'service-lead',
    event: 'service_lead_emailed',
    email: (r) => staffEmails.callEmergency({ reference: r.id, patientTexted: Boolean(mobileForTexts(r)) }),
  },
  'booking-worklist': {
    audience: 'booking-team',
    event: 'booking_team_emailed',
    email: (r, link) => staffEmails.bookingWorklist({ reference: r.id, windowEnd: r.bookingWindowEnd!, link }),
  },
  'booking-worklist-overdue': {
    audience: 'booking-team',
    event: 'booking_worklist_chased',
    email: (r, link) => staffEmails.bookingWorklistOverdue({ reference: r.id, windowEnd: r.bookingWindowEnd!, link }),
  },
  'booking-worklist-escalation': {
    audience: 'service-lead',
    event: 'booking_worklist_escalated',
    email: (r, link) => staffEmails.bookingWorklistOverdue({ reference: r.id, windowEnd: r.bookingWindowEnd!, link }),
  },
} satisfies Record<string, Message>;
export type StaffMessage = keyof typeof STAFF_MESSAGES;

export async function emailStaffAbout(referralId: string, message: StaffMessage): Promise<void> {
  const referral = await loadReferral(referralId);
  const spec: Message = STAFF_MESSAGES[message];
  const link = referral.openTask ? await taskLink(referral.openTask.taskId) : '';
  await emailStaff(referral, spec.audience, spec.email(referral, link), spec.event);
}
