/** Messages about a referral, rendered from templates and recorded on its timeline (never their text). */
import { createHmac } from 'node:crypto';

import { nowIso } from '../clock.js';
import { config } from '../config.js';
import { mobileForTexts } from '../domain/contact.js';
import { type Email, referrerEmails } from '../domain/emails.js';
import type { Referral, ReferralEvent } from '../domain/referral.js';
import { renderSms, type SmsTemplateName, smsTemplates } from '../domain/sms.js';
import { ukDate } from '../domain/time.js';
import { type EventType, type Notice, STEP_LINKS } from '../domain/vocabulary.js';
import { adapters } from '../ports/index.js';
import type { StaffAudience } from '../ports/notifier.js';
import { ConcurrentChangeError } from '../store/errors.js';
import { changeReferral, loadReferral } from '../store/referrals.js';
import { takeTextAllowance } from '../store/text-allowance.js';
import { patientLink } from './links.js';

/** Renders a patient text (not sent); undefined if the patient has no mobile. */
export async function patientSms(
  referral: Referral,
  template: SmsTemplateName,
  extra: SmsExtras = {},
): Promise<{ to: string; body: string } | undefined> {
  const mobile = mobileForTexts(referral);
  if (!mobile) return undefined;
  // Texts about booking carry the patient's own link to the open booking step.
  const open = referral.openTask;
  const link =
    open?.patientLinkId && open.kind !== 'appointment' && STEP_LINKS[open.kind].patient ? await patientLink(open.patientLinkId) : undefined;
  const c = config();
  const context = { serviceName: c.SERVICE_NAME, baseUrl: c.PUBLIC_BASE_URL, servicePhone: c.SERVICE_PHONE, link, ...extra };
  return { to: mobile, body: renderSms(smsTemplates[template](context), referral.patient.givenName) };
}

/**
 * Texts the patient and records it. With no mobile number, records that the patient could not be
 * contacted, so the timeline shows why no text went.
 */
export async function textPatient(
  referralId: string,
  template: SmsTemplateName,
  send: Sender = (referral, name) => textAndRecord(referral, name),
): Promise<{ sent: boolean }> {
  const referral = await loadReferral(referralId);
  // The submission texts are the only ones a stranger could aim, and they go only through here
  // (the workflow's text step): so only the functions behind it may write the allowance.
  const mobile = mobileForTexts(referral);
  const at = nowIso();
  if (mobile && !(await withinSelfReferralAllowance(referral, template, mobile, at))) {
    const perDay = config().SELF_REFERRAL_TEXTS_PER_MOBILE_PER_DAY;
    await changeReferral(referral, {
      event: {
        type: 'text_withheld',
        at,
        actor: 'system:notifications',
        detail: { template, reason: `more than ${perDay} a day to this number` },
      },
    });
    // The workflow asks the booking team to reach the patient another way (this function may text,
    // not email staff). The emergency goes on regardless: the service lead already has it.
    if (template !== 'emergency') throw new TextWithheldError(template);
    return { sent: false };
  }
  return send(referral, template);
}

/** How a text is sent once it may go: as is, or (the acknowledgement) with a questionnaire's link (questionnaire-texts.ts). */
export type Sender = (referral: Referral, template: SmsTemplateName) => Promise<{ sent: boolean; referral: Referral }>;

/** A text withheld because its number had its day's allowance of self-referral texts. */
export class TextWithheldError extends Error {
  override name = 'TextWithheld';
}

/**
 * Texts a self-referral sends before anyone at the service has looked at it. The number was typed
 * into a public form, so these are the texts a stranger could aim at someone else's phone.
 */
const SUBMISSION_TEXTS: ReadonlySet<SmsTemplateName> = new Set(['acknowledgement', 'emergency']);

/** Whether this text may go: any text but a self-referral's submission texts, or one within the number's daily allowance. */
async function withinSelfReferralAllowance(referral: Referral, template: SmsTemplateName, mobile: string, at: string): Promise<boolean> {
  if (referral.source !== 'self' || !SUBMISSION_TEXTS.has(template)) return true;
  // Sent because a clinician decided it (a red flag found on the call), not because a form was posted.
  if (referral.outcome?.decidedById) return true;
  // A keyed hash: a mobile number is personal data, and too short a secret for a plain hash.
  const numberKey = createHmac('sha256', (await adapters().linkKeys.keyring()).current)
    .update(`mobile:${mobile}`)
    .digest('base64url')
    .slice(0, 22);
  return takeTextAllowance(numberKey, ukDate(at), `${referral.id}:${template}`, config().SELF_REFERRAL_TEXTS_PER_MOBILE_PER_DAY);
}

/** Appointment details and links a text may carry. */
export type SmsExtras = { link?: string; time?: string; clinic?: string };

export async function emailStaff(referral: Referral, audience: StaffAudience, email: Email, eventType: EventType): Promise<Referral> {
  const { messageId } = await adapters().notifier.sendStaffEmail(audience, email);
  return recordOnTimeline(referral, { type: eventType, at: nowIso(), actor: 'system:notifications', detail: { audience, messageId } });
}

type ReferrerNotice = Exclude<Notice, 'self-management'>;

const referrerEmailFor: Record<ReferrerNotice, (referral: Referral) => Email> = {
  returned: (r) => referrerEmails.returned({ reference: r.id, advice: r.outcome?.message ?? '' }),
  redirected: (r) => referrerEmails.redirected({ reference: r.id, destination: r.outcome?.destination }),
  'referred-to-secondary-care': (r) => referrerEmails.secondaryCare({ reference: r.id, destination: r.outcome?.destination }),
  'no-information': (r) => referrerEmails.noInformationReceived({ reference: r.id }),
  'unable-to-contact': (r) => referrerEmails.unableToContact({ reference: r.id }),
  declined: (r) => referrerEmails.declined({ reference: r.id }),
  'attended-discharged': (r) => referrerEmails.appointmentOutcome({ reference: r.id, outcome: 'attended and discharged' }),
  'onward-referral': (r) => referrerEmails.appointmentOutcome({ reference: r.id, outcome: 'attended and referred on' }),
  'closed-did-not-attend': (r) => referrerEmails.appointmentOutcome({ reference: r.id, outcome: 'closed after missed appointments' }),
};

/** What a self-referring patient is texted instead (the others concern an appointment they know of). */
const selfReferralText: Partial<Record<ReferrerNotice, SmsTemplateName>> = {
  returned: 'seeYourGp',
  redirected: 'passedOn',
  'referred-to-secondary-care': 'passedOn',
};

/**
 * Tells whoever should hear of a closing decision or outcome. A GP referrer is emailed; a patient
 * who referred themselves is texted where the news is theirs to act on.
 */
export async function notifyOutcome(referralId: string, notice: Notice): Promise<{ notified: 'referrer' | 'patient' | 'nobody' }> {
  const referral = await loadReferral(referralId);
  if (notice === 'self-management') {
    const { sent } = await textAndRecord(referral, 'selfCare');
    return { notified: sent ? 'patient' : 'nobody' };
  }
  if (!referral.referrer) {
    const template = selfReferralText[notice];
    if (!template) return { notified: 'nobody' };
    const { sent } = await textAndRecord(referral, template);
    return { notified: sent ? 'patient' : 'nobody' };
  }
  const { messageId } = await adapters().notifier.sendEmail(referral.referrer.email, referrerEmailFor[notice](referral));
  await recordOnTimeline(referral, {
    type: 'referrer_emailed',
    at: nowIso(),
    actor: 'system:notifications',
    detail: { notice, messageId },
  });
  return { notified: 'referrer' };
}

/** Texts the patient (if they have a mobile) and records it, or records why no text went. */
export async function textAndRecord(
  referral: Referral,
  template: SmsTemplateName,
  extra: SmsExtras = {},
): Promise<{ sent: boolean; referral: Referral }> {
  const sms = await patientSms(referral, template, extra);
  const at = nowIso();
  if (!sms) {
    const recorded = await changeReferral(referral, {
      event: { type: 'patient_not_contactable', at, actor: 'system:notifications', detail: { template, reason: 'no mobile number' } },
    });
    return { sent: false, referral: recorded };
  }
  const { messageId } = await adapters().notifier.sendSms(sms.to, sms.body);
  const event = { type: 'patient_texted', at, actor: 'system:notifications', detail: { template, messageId } } as const;
  return { sent: true, referral: await recordOnTimeline(referral, event) };
}

/**
 * Records what has already happened (a message sent) on the timeline, even if someone changed the
 * referral meanwhile (a decision, a patient's answers), rather than failing after the fact and
 * having the message sent again by a retry.
 */
export async function recordOnTimeline(referral: Referral, event: ReferralEvent): Promise<Referral> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await changeReferral(referral, { event });
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError) || attempt >= 4) throw error;
      referral = await loadReferral(referral.id);
    }
  }
}
