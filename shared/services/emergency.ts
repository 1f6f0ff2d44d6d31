/**
 * Suspected cauda equina: no triage wait. The service lead is emailed first (told plainly when the
 * patient has no mobile to text), then the patient is texted to go to A&E now, and the referral
 * closes as redirected_emergency. Two steps, because texting and staff email are separate
 * privileges: the SMS role can reach phone numbers and nothing else.
 */
import { nowIso } from '../clock.js';
import { staffEmails } from '../domain/emails.js';
import { changeReferral } from '../store/referrals.js';
import { emailStaff, loadReferral, textPatient } from './notifications.js';

export async function alertServiceLeadToEmergency(referralId: string): Promise<void> {
  const referral = await loadReferral(referralId);
  const email = staffEmails.emergency({ reference: referral.id, patientTexted: Boolean(referral.patient.mobile) });
  await emailStaff(referral, 'service-lead', email, 'service_lead_emailed');
}

export async function redirectEmergency(referralId: string): Promise<void> {
  if ((await loadReferral(referralId)).status === 'redirected_emergency') return;
  const { sent } = await textPatient(referralId, 'emergency');
  await changeReferral(await loadReferral(referralId), {
    status: 'redirected_emergency',
    event: { type: 'redirected_emergency', at: nowIso(), actor: 'system:screening', detail: { patientTexted: sent } },
  });
}
