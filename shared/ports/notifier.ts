/**
 * Messages to people. Patient SMS straight through SNS; staff emails through an SNS topic per
 * audience (the addresses are subscriptions, managed by operations); emails to one person (a
 * referrer) through SES. Locally, all of them land in the outbox.
 */
import { config } from '../config.js';
import type { Email } from '../domain/emails.js';
import { onFirstUse } from './on-first-use.js';

export type StaffAudience = 'triage-team' | 'service-lead' | 'senior-clinicians' | 'booking-team' | 'clinic-team';

export interface Notifier {
  /** Sends a transactional SMS to an E.164 number; resolves with the provider's message id. */
  sendSms(to: string, body: string): Promise<{ messageId: string }>;
  /** Emails everyone subscribed to an audience's topic. */
  sendStaffEmail(audience: StaffAudience, email: Email): Promise<{ messageId: string }>;
  /** Emails one person. */
  sendEmail(to: string, email: Email): Promise<{ messageId: string }>;
  /** Has this number opted out of texts (replied STOP)? */
  isOptedOut(phone: string): Promise<boolean>;
}

/**
 * A message the provider would not take (refused, throttled, unreachable). One name for all of them,
 * so the state machine can retry it with back-off and, when retries run out, tell staff instead.
 */
export class NotificationFailedError extends Error {
  override name = 'NotificationFailed';
  constructor(channel: string, cause: unknown) {
    super(`${channel} not sent: ${(cause as Error)?.name ?? 'Error'}`, { cause });
  }
}

/** The notifier with every failure raised as NotificationFailedError (no message text in it). */
export function reportingFailures(notifier: Notifier): Notifier {
  const guard =
    <A extends unknown[], R>(channel: string, send: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await send(...args);
      } catch (error) {
        throw new NotificationFailedError(channel, error);
      }
    };
  return {
    sendSms: guard('sms', notifier.sendSms.bind(notifier)),
    sendStaffEmail: guard('staff email', notifier.sendStaffEmail.bind(notifier)),
    sendEmail: guard('email', notifier.sendEmail.bind(notifier)),
    isOptedOut: guard('opt-out check', notifier.isOptedOut.bind(notifier)),
  };
}

function topicArn(audience: StaffAudience): string {
  const arn = {
    'triage-team': config().TRIAGE_TOPIC_ARN,
    'service-lead': config().SERVICE_LEAD_TOPIC_ARN,
    'senior-clinicians': config().SENIOR_CLINICIAN_TOPIC_ARN,
    'booking-team': config().BOOKING_TEAM_TOPIC_ARN,
    'clinic-team': config().CLINIC_TEAM_TOPIC_ARN,
  }[audience];
  if (!arn) throw new Error(`no topic configured for ${audience}`);
  return arn;
}

const snsSdk = onFirstUse(async () => {
  const sdk = await import('@aws-sdk/client-sns');
  return { sdk, client: new sdk.SNSClient({}) };
});
const sesSdk = onFirstUse(async () => {
  const sdk = await import('@aws-sdk/client-sesv2');
  return { sdk, client: new sdk.SESv2Client({}) };
});

export function awsNotifier(): Notifier {
  return {
    async sendSms(to, body) {
      const { sdk, client: sns } = await snsSdk();
      const { PublishCommand } = sdk;
      const result = await sns.send(
        new PublishCommand({
          PhoneNumber: to,
          Message: body,
          MessageAttributes: {
            // Transactional: delivered with priority, and not subject to marketing opt-out rules.
            'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          },
        }),
      );
      return { messageId: result.MessageId ?? '' };
    },
    async sendStaffEmail(audience, email) {
      const { sdk, client: sns } = await snsSdk();
      const result = await sns.send(
        new sdk.PublishCommand({ TopicArn: topicArn(audience), Subject: email.subject.slice(0, 100), Message: email.body }),
      );
      return { messageId: result.MessageId ?? '' };
    },
    async isOptedOut(phone) {
      const { sdk, client: sns } = await snsSdk();
      const result = await sns.send(new sdk.CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: phone }));
      return Boolean(result.isOptedOut);
    },
    async sendEmail(to, email) {
      const { sdk, client: ses } = await sesSdk();
      const result = await ses.send(
        new sdk.SendEmailCommand({
          FromEmailAddress: config().SENDER_EMAIL,
          Destination: { ToAddresses: [to] },
          Content: { Simple: { Subject: { Data: email.subject }, Body: { Text: { Data: email.body } } } },
        }),
      );
      return { messageId: result.MessageId ?? '' };
    },
  };
}
