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
  // Done once: a retried step does not text twice. (The call's decision sets the status itself,
  // so the status cannot say whether this step has run.)
  if ((await loadReferral(referralId)).redirectedEmergencyAt) return;
  const { sent } = await textPatient(referralId, 'emergency');
  const at = nowIso();
  await changeReferral(await loadReferral(referralId), {
    status: 'redirected_emergency',
    set: { redirectedEmergencyAt: at },
    event: { type: 'redirected_emergency', at, actor: 'system:screening', detail: { patientTexted: sent } },
  });
}
