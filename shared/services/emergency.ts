/**
 * Suspected cauda equina: no triage wait. The patient is texted to go to A&E now, the service
 * lead is emailed (told plainly when the patient could not be texted), and the referral closes as
 * redirected_emergency. Notifications go first, so a retry after a failure never skips them.
 */
import { nowIso } from '../clock.js';
import { staffEmails } from '../domain/emails.js';
import { changeReferral } from '../store/referrals.js';
import { emailStaff, loadReferral, textPatient } from './notifications.js';

export async function redirectEmergency(referralId: string): Promise<void> {
  const before = await loadReferral(referralId);
  if (before.status === 'redirected_emergency') return;
  const { sent } = await textPatient(referralId, 'emergency');
  const referral = await emailStaff(
    await loadReferral(referralId),
    'service-lead',
    staffEmails.emergency({ reference: referralId, patientTexted: sent }),
    'service_lead_emailed',
  );
  await changeReferral(referral, {
    status: 'redirected_emergency',
    event: { type: 'redirected_emergency', at: nowIso(), actor: 'system:screening', detail: { patientTexted: sent } },
  });
}
