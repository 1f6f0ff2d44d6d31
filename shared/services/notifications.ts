/** Texts to patients, rendered from templates and recorded on the timeline (without their text). */
import { nowIso } from '../clock.js';
import { config } from '../config.js';
import { renderSms, smsTemplates, type SmsTemplateName } from '../domain/sms.js';
import { adapters } from '../ports/index.js';
import { changeReferral, getReferral } from '../store/referrals.js';
import { ReferralNotFoundError } from './screening.js';

export async function textPatient(referralId: string, template: SmsTemplateName): Promise<{ sent: boolean }> {
  const referral = await getReferral(referralId);
  if (!referral) throw new ReferralNotFoundError(referralId);
  const to = referral.patient.mobile;
  if (!to) return { sent: false };
  const body = renderSms(smsTemplates[template](config().SERVICE_NAME), referral.patient.givenName);
  const { messageId } = await adapters().notifier.sendSms(to, body);
  await changeReferral(referral, {
    event: { type: 'patient_texted', at: nowIso(), actor: 'system:notifications', detail: { template, messageId } },
  });
  return { sent: true };
}
