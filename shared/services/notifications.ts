/** Messages about a referral, rendered from templates and recorded on its timeline (never their text). */
import { nowIso } from '../clock.js';
import { config } from '../config.js';
import { referrerEmails, type Email } from '../domain/emails.js';
import type { Referral } from '../domain/referral.js';
import { renderSms, smsTemplates, type SmsTemplateName } from '../domain/sms.js';
import { adapters } from '../ports/index.js';
import type { StaffAudience } from '../ports/notifier.js';
import { changeReferral, getReferral } from '../store/referrals.js';
import { ReferralNotFoundError } from './screening.js';

export async function loadReferral(referralId: string): Promise<Referral> {
  const referral = await getReferral(referralId);
  if (!referral) throw new ReferralNotFoundError(referralId);
  return referral;
}

/** Renders a patient text (not sent); undefined if the patient has no mobile. */
export function patientSms(referral: Referral, template: SmsTemplateName): { to: string; body: string } | undefined {
  if (!referral.patient.mobile) return undefined;
  const context = { serviceName: config().SERVICE_NAME, baseUrl: config().PUBLIC_BASE_URL };
  return { to: referral.patient.mobile, body: renderSms(smsTemplates[template](context), referral.patient.givenName) };
}

/**
 * Texts the patient and records it. With no mobile number, records that the patient could not be
 * contacted, so the timeline shows why no text went.
 */
export async function textPatient(referralId: string, template: SmsTemplateName): Promise<{ sent: boolean }> {
  return textAndRecord(await loadReferral(referralId), template);
}

export async function emailStaff(referral: Referral, audience: StaffAudience, email: Email, eventType: string): Promise<Referral> {
  const { messageId } = await adapters().notifier.sendStaffEmail(audience, email);
  return changeReferral(referral, {
    event: { type: eventType, at: nowIso(), actor: 'system:notifications', detail: { audience, messageId } },
  });
}

export type OutcomeNotice = 'returned' | 'redirected' | 'self-management' | 'referred-to-secondary-care' | 'no-information';

/**
 * Tells whoever should hear of a closing decision. A GP referrer is emailed; a patient who
 * referred themselves is texted (there is no referrer to write to).
 */
export async function notifyOutcome(referralId: string, notice: OutcomeNotice): Promise<{ notified: 'referrer' | 'patient' | 'nobody' }> {
  const referral = await loadReferral(referralId);
  const reference = referral.id;
  const outcome = referral.outcome;
  if (notice === 'self-management') {
    const { sent } = await textAndRecord(referral, 'selfCare');
    return { notified: sent ? 'patient' : 'nobody' };
  }
  if (referral.source === 'self' || !referral.referrer) {
    const { sent } = await textAndRecord(referral, notice === 'returned' ? 'seeYourGp' : 'passedOn');
    return { notified: sent ? 'patient' : 'nobody' };
  }
  const email = {
    returned: () => referrerEmails.returned({ reference, advice: outcome?.message ?? '' }),
    redirected: () => referrerEmails.redirected({ reference, destination: outcome?.destination }),
    'referred-to-secondary-care': () => referrerEmails.secondaryCare({ reference, destination: outcome?.destination }),
    'no-information': () => referrerEmails.noInformationReceived({ reference }),
  }[notice]();
  const { messageId } = await adapters().notifier.sendEmail(referral.referrer.email, email);
  await changeReferral(referral, {
    event: { type: 'referrer_emailed', at: nowIso(), actor: 'system:notifications', detail: { notice, messageId } },
  });
  return { notified: 'referrer' };
}

async function textAndRecord(referral: Referral, template: SmsTemplateName): Promise<{ sent: boolean }> {
  const sms = patientSms(referral, template);
  if (!sms) {
    await changeReferral(referral, {
      event: {
        type: 'patient_not_contactable',
        at: nowIso(),
        actor: 'system:notifications',
        detail: { template, reason: 'no mobile number' },
      },
    });
    return { sent: false };
  }
  const { messageId } = await adapters().notifier.sendSms(sms.to, sms.body);
  await changeReferral(referral, {
    event: { type: 'patient_texted', at: nowIso(), actor: 'system:notifications', detail: { template, messageId } },
  });
  return { sent: true };
}
