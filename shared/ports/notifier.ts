/** Messages to people: patient SMS through SNS in AWS, an outbox locally. */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

export interface Notifier {
  /** Sends a transactional SMS to an E.164 number; resolves with the provider's message id. */
  sendSms(to: string, body: string): Promise<{ messageId: string }>;
}

export function snsNotifier(client = new SNSClient({})): Notifier {
  return {
    async sendSms(to, body) {
      const result = await client.send(
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
  };
}
