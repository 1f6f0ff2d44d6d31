/**
 * Patient text messages. They carry no clinical detail and no NHS number: at most a first name,
 * the service name, a time and place, and a link. Each must fit one GSM-7 fragment (160
 * characters), which `renderSms` enforces rather than trusts.
 */
import { SegmentedMessage } from 'sms-segments-calculator';

import { greetableName } from './text.js';

/**
 * Characters of GSM-7's basic set, one septet each: a text of only these needs no grapheme
 * analysis (the library's, which is most of the cost of a text, measured in the forecast).
 */
const PLAIN_GSM7 = /^[A-Za-z0-9 \n\r.,:;!?'"()@£$%&*+\-/=<>#_]*$/;
/** GSM-7's fragment sizes: one of 160 septets, or parts of 153 once a header is needed. */
const plainFragments = (text: string) => (text.length <= 160 ? 1 : Math.ceil(text.length / 153));

/** How many SMS fragments a text is sent as (each is billed). */
export function smsFragments(text: string): number {
  if (PLAIN_GSM7.test(text)) return plainFragments(text);
  return new SegmentedMessage(text, 'auto').segmentsCount;
}

export function isSingleGsm7Fragment(text: string): boolean {
  if (PLAIN_GSM7.test(text)) return text.length <= 160;
  const message = new SegmentedMessage(text, 'auto');
  return message.encodingName === 'GSM-7' && message.segmentsCount === 1;
}

type Template = (greeting: string) => string;

/**
 * Renders with "Hi <first name>," when that fits one GSM-7 fragment, else with a plain "Hello,"
 * (a long name, or one with characters outside GSM-7 that would force a costlier UCS-2 message).
 * Every template fits one fragment with the longest realistic values (tested); a deployment with
 * a longer base URL than that still gets its text, in two fragments.
 */
export function renderSms(template: Template, givenName?: string): string {
  // Only a name made of letters: a public form must not be able to put a URL in our text.
  const firstName = greetableName(givenName);
  if (firstName) {
    const personal = template(`Hi ${firstName},`);
    if (isSingleGsm7Fragment(personal)) return personal;
  }
  return template('Hello,');
}

export interface SmsContext {
  serviceName: string;
  /** Public base URL of the service, for links. */
  baseUrl: string;
  /** The patient's own link (booking, or changing an appointment). */
  link?: string;
  /** The number patients call the service on (SERVICE_PHONE, 20 characters at most). */
  servicePhone?: string;
  /** Appointment time as slotTime() writes it, and the clinic's name (30 characters at most). */
  time?: string;
  clinic?: string;
}

export const smsTemplates = {
  acknowledgement:
    ({ serviceName }: SmsContext): Template =>
    (greeting) =>
      `${greeting} ${serviceName} has your referral. We will text you again when it has been reviewed. Please do not reply to this text.`,
  // Said plainly, without naming the suspected condition.
  emergency:
    ({ serviceName }: SmsContext): Template =>
    (greeting) =>
      `${greeting} about your referral to ${serviceName}: please go to A&E now, or call 999. Do not wait for an appointment.`,
  selfCare:
    ({ serviceName, baseUrl }: SmsContext): Template =>
    (greeting) =>
      `${greeting} ${serviceName} reviewed your referral. Advice: ${baseUrl}/self-care`,
  seeYourGp:
    ({ serviceName }: SmsContext): Template =>
    (greeting) =>
      `${greeting} ${serviceName} has reviewed your referral and advises you to speak to your GP practice. Please do not ` +
      `reply to this text.`,
  passedOn:
    ({ serviceName }: SmsContext): Template =>
    (greeting) =>
      `${greeting} ${serviceName} has reviewed your referral and passed it to another NHS service, who will contact you. ` +
      `Please do not reply.`,
  // A first contact call went unanswered: who tried, that they will try again, and how to call back.
  callMissed:
    ({ serviceName, servicePhone }: SmsContext): Template =>
    (greeting) =>
      `${greeting} ${serviceName} tried to phone you about your referral and will try again. To call us: ${servicePhone}`,
  // The calls never reached the patient: they book a face-to-face appointment themselves.
  notReachedInvite:
    ({ serviceName, link }: SmsContext): Template =>
    (greeting) =>
      `${greeting} ${serviceName} could not reach you by phone. Book: ${link}`,
  bookingInvite:
    ({ serviceName, link }: SmsContext): Template =>
    (greeting) =>
      `${greeting} book your ${serviceName} appointment: ${link}`,
  bookingChaser:
    ({ serviceName, link }: SmsContext): Template =>
    (greeting) =>
      `${greeting} reminder to book your ${serviceName} appointment: ${link}`,
  bookingConfirmed:
    ({ time, clinic, link }: SmsContext): Template =>
    (greeting) =>
      `${greeting} booked: ${time} at ${clinic}. Change or cancel: ${link}`,
  appointmentReminder:
    ({ time, clinic, link }: SmsContext): Template =>
    (greeting) =>
      `${greeting} reminder: ${time} at ${clinic}. Change or cancel: ${link}`,
  appointmentCancelled:
    ({ serviceName, time }: SmsContext): Template =>
    (greeting) =>
      `${greeting} your ${serviceName} appointment on ${time} is cancelled, as you asked.`,
  // The clinic cancelled (a session or a slot): the link books another time.
  cancelledByClinic:
    ({ time, link }: SmsContext): Template =>
    (greeting) =>
      `${greeting} the clinic cancelled your appointment on ${time}. Book another: ${link}`,
  // The baseline questionnaire's link, on the acknowledgement when both fit one fragment (see RIDES_IF_IT_FITS).
  acknowledgementAndQuestionnaire:
    ({ serviceName, link }: SmsContext): Template =>
    (greeting) =>
      `${greeting} ${serviceName} has your referral. Before it is reviewed, tell us how you are: ${link}`,
  // ...or on its own, just after the acknowledgement.
  questionnaireBaseline:
    ({ serviceName, link }: SmsContext): Template =>
    (greeting) =>
      `${greeting} ${serviceName}: how are you before treatment? ${link}`,
  // After discharge: how they are now, and what they thought of the service (the FFT).
  questionnaireFollowUp:
    ({ serviceName, link }: SmsContext): Template =>
    (greeting) =>
      `${greeting} ${serviceName}: how are you now, and how were we? ${link}`,
  rebookAfterMissed:
    ({ link }: SmsContext): Template =>
    (greeting) =>
      `${greeting} we missed you at your appointment. Book a new one: ${link}`,
} as const;
export type SmsTemplateName = keyof typeof smsTemplates;

/**
 * Texts that carry a second message when the two fit one fragment, and are otherwise sent as two
 * texts (the service name and base URL decide): the only templates allowed past one fragment.
 */
export const RIDES_IF_IT_FITS: ReadonlySet<SmsTemplateName> = new Set(['acknowledgementAndQuestionnaire']);
