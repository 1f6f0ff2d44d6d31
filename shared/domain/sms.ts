/**
 * Patient text messages. They carry no clinical detail and no NHS number: at most a first name,
 * the service name, a time and place, and a link. Each must fit one GSM-7 fragment (160
 * characters), which `renderSms` enforces rather than trusts.
 */
import { SegmentedMessage } from 'sms-segments-calculator';

export function isSingleGsm7Fragment(text: string): boolean {
  const message = new SegmentedMessage(text, 'auto');
  return message.encodingName === 'GSM-7' && message.segmentsCount === 1;
}

type Template = (greeting: string) => string;

/**
 * Renders with "Hi <first name>," when that fits one GSM-7 fragment, else with a plain "Hello,"
 * (a long name, or one with characters outside GSM-7 that would force a costlier UCS-2 message).
 */
export function renderSms(template: Template, givenName?: string): string {
  const firstName = givenName?.trim().split(/\s+/)[0];
  if (firstName) {
    const personal = template(`Hi ${firstName},`);
    if (isSingleGsm7Fragment(personal)) return personal;
  }
  const plain = template('Hello,');
  if (!isSingleGsm7Fragment(plain)) {
    throw new RangeError('SMS template does not fit one GSM-7 fragment even without a name');
  }
  return plain;
}

export interface SmsContext {
  serviceName: string;
  /** Public base URL of the service, for links. */
  baseUrl: string;
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
      `${greeting} ${serviceName} has reviewed your referral and advises you to speak to your GP practice. Please do not reply to this text.`,
  passedOn:
    ({ serviceName }: SmsContext): Template =>
    (greeting) =>
      `${greeting} ${serviceName} has reviewed your referral and passed it to another NHS service, who will contact you. Please do not reply.`,
} as const;
export type SmsTemplateName = keyof typeof smsTemplates;
