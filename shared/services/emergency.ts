/**
 * Suspected cauda equina (screening), or a red flag found on the first contact call: no wait. The
 * service lead is emailed first (a staff-message step, told plainly when the patient has no mobile
 * to text), then the patient is texted to go to A&E now, and the referral
 * closes as redirected_emergency. Two steps, because texting and staff email are separate
 * privileges: the SMS role can reach phone numbers and nothing else.
 */
import { nowIso } from '../clock.js';
import { changeReferral, loadReferral } from '../store/referrals.js';
import { textPatient } from './notifications.js';

export async function redirectEmergency(referralId: string): Promise<void> {
  // Done once: a retried step does not text twice. (Only this step sets the status: a call's
  // emergency decision leaves the referral awaiting_call until the patient is told.)
  if ((await loadReferral(referralId)).status === 'redirected_emergency') return;
  const { sent } = await textPatient(referralId, 'emergency');
  await changeReferral(await loadReferral(referralId), {
    status: 'redirected_emergency',
    event: { type: 'redirected_emergency', at: nowIso(), actor: 'system:screening', detail: { patientTexted: sent } },
  });
}
