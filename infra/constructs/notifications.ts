/**
 * Messages: patient SMS straight through SNS (no topic), and a staff topic for emails to the
 * triage team and service lead. Publish rights are split so that the SMS role can reach phone
 * numbers only, and nothing else can publish to the staff topic.
 */
import { Effect, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export class Notifications extends Construct {
  readonly staffTopic: Topic;

  constructor(scope: Construct, id: string, props: { key: IKey; staffEmails: string[] }) {
    super(scope, id);
    this.staffTopic = new Topic(this, 'StaffAlerts', { displayName: 'MSK Pathway staff', masterKey: props.key, enforceSSL: true });
    for (const email of props.staffEmails) this.staffTopic.addSubscription(new EmailSubscription(email));
  }

  /**
   * SMS to phone numbers has no resource ARN, so IAM needs Resource "*"; the explicit Deny on
   * every SNS ARN keeps that from reaching any topic or platform endpoint.
   */
  static grantSendSms(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.DENY, actions: ['sns:Publish'], resources: ['arn:aws:sns:*:*:*'] }),
    );
  }
}
