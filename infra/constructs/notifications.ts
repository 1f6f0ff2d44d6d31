/**
 * Messages: patient SMS straight through SNS (no topic); staff emails through one SNS topic per
 * audience (addresses subscribed from context, each confirmed by the operator so that it can be
 * unsubscribed only with AWS credentials); emails to one person (a referrer) through SES.
 * Publish rights are split so that the SMS role can reach phone numbers only.
 */
import { Arn, Stack } from 'aws-cdk-lib';
import { Effect, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

import type { StaffAudience } from '../../shared/ports/notifier.js';
import { output } from '../outputs.js';

export interface NotificationsProps {
  key: IKey;
  emails: Record<StaffAudience, string[]>;
  /** SES identity (address or domain) that referrer emails come from. */
  senderEmail: string;
  /** Create that identity here (false when it already exists in the account and region). @default true */
  createSenderIdentity?: boolean;
}

export class Notifications extends Construct {
  readonly topics: Record<StaffAudience, Topic>;
  private readonly senderEmail: string;
  private readonly key: IKey;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.senderEmail = props.senderEmail;
    this.key = props.key;
    const topic = (audience: StaffAudience, displayName: string) => {
      const t = new Topic(this, audience, { displayName, masterKey: props.key, enforceSSL: true });
      for (const email of props.emails[audience]) t.addSubscription(new EmailSubscription(email));
      output(this, `StaffTopic-${audience}`, { description: `The ${displayName} topic, to confirm its subscriptions`, value: t.topicArn });
      return t;
    };
    this.topics = {
      'triage-team': topic('triage-team', 'MSK triage team'),
      'service-lead': topic('service-lead', 'MSK service lead'),
      'senior-clinicians': topic('senior-clinicians', 'MSK senior clinicians'),
      'booking-team': topic('booking-team', 'MSK booking team'),
      'clinic-team': topic('clinic-team', 'MSK clinics'),
    };
    if (props.createSenderIdentity ?? true) this.createSenderIdentity(props.senderEmail);
    // Every SNS email has an unsubscribe link, which works for anyone holding the email (a forward,
    // a shared inbox) unless the subscription was confirmed with authentication. CloudFormation
    // cannot ask for that (AuthenticateOnUnsubscribe belongs to ConfirmSubscription, and its token
    // arrives only by email), so the operator confirms each subscription from the CLI.
    output(this, 'StaffSubscriptionConfirmation', {
      description: 'How to confirm each staff email subscription so that only AWS credentials can unsubscribe it',
      value:
        'Do not open the link in each "AWS Notification - Subscription Confirmation" email: copy its Token and TopicArn and run ' +
        'aws sns confirm-subscription --authenticate-on-unsubscribe true --topic-arn <TopicArn> --token <Token> (README, deploy step 4).',
    });
  }

  /**
   * The SES identity referrer emails come from, made by the stack so that it cannot be forgotten.
   * SES sends nothing from it until it is verified: the output says what the operator must do.
   */
  private createSenderIdentity(senderEmail: string): void {
    const isAddress = senderEmail.includes('@');
    const identity = new EmailIdentity(this, 'SenderIdentity', {
      identity: isAddress ? Identity.email(senderEmail) : Identity.domain(senderEmail),
    });
    if (isAddress) {
      output(this, 'SenderVerification', {
        description: 'What to do before referrer emails can go',
        value: `SES has emailed ${senderEmail} a verification link: open it (then request SES production access, see the README).`,
      });
      return;
    }
    identity.dkimRecords.forEach((record, i) => {
      output(this, `SenderDkimRecord${i + 1}`, {
        description: `DNS CNAME ${i + 1} of 3 that verifies ${senderEmail} for SES (Easy DKIM)`,
        value: `${record.name} CNAME ${record.value}`,
      });
    });
  }

  topicEnvironment(): Record<string, string> {
    return {
      TRIAGE_TOPIC_ARN: this.topics['triage-team'].topicArn,
      SERVICE_LEAD_TOPIC_ARN: this.topics['service-lead'].topicArn,
      SENIOR_CLINICIAN_TOPIC_ARN: this.topics['senior-clinicians'].topicArn,
      BOOKING_TEAM_TOPIC_ARN: this.topics['booking-team'].topicArn,
      CLINIC_TEAM_TOPIC_ARN: this.topics['clinic-team'].topicArn,
      SENDER_EMAIL: this.senderEmail,
    };
  }

  /**
   * Publish to the staff topics, and the topics' key only through SNS (`kms:ViaService`), which
   * uses it on the publisher's behalf (Topic.grantPublish gives the same key actions, callable directly).
   */
  grantStaffEmail(grantee: IGrantable): void {
    const add = (statement: PolicyStatement) => grantee.grantPrincipal.addToPrincipalPolicy(statement);
    add(new PolicyStatement({ actions: ['sns:Publish'], resources: Object.values(this.topics).map((t) => t.topicArn) }));
    add(
      new PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sns.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
  }

  /** SES SendEmail from the configured identity only. */
  grantReferrerEmail(grantee: IGrantable): void {
    const domainOrAddress = this.senderEmail || 'unconfigured.invalid';
    const stack = Stack.of(this);
    const identity = (name: string) => Arn.format({ service: 'ses', resource: 'identity', resourceName: name }, stack);
    const domain = domainOrAddress.includes('@') ? domainOrAddress.split('@')[1]! : domainOrAddress;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [identity(domainOrAddress), identity(domain)],
        conditions: domainOrAddress.includes('@') ? { StringEquals: { 'ses:FromAddress': domainOrAddress } } : undefined,
      }),
    );
  }

  /**
   * SMS to phone numbers has no resource ARN, so IAM needs Resource "*"; the explicit Deny on
   * every SNS ARN keeps that from reaching any topic or platform endpoint. A role given this must
   * not also need topics: split the step instead (see the emergency steps).
   */
  static grantSendSms(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.DENY, actions: ['sns:Publish'], resources: ['arn:aws:sns:*:*:*'] }),
    );
  }

  /** Whether a number has opted out of texts: an account-wide list with no resource ARN. */
  static grantOptOutCheck(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['sns:CheckIfPhoneNumberIsOptedOut'], resources: ['*'] }));
  }
}
