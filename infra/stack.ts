/** The whole service in one stack, composed of one construct per concern. */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

import { type FunctionName, lambdaFunctions } from '../shared/functions.js';
import { Api } from './constructs/api.js';
import { Callbacks } from './constructs/callbacks.js';
import { Data } from './constructs/data.js';
import { Firewall } from './constructs/firewall.js';
import { Functions } from './constructs/functions.js';
import { Monitoring } from './constructs/monitoring.js';
import { Notifications } from './constructs/notifications.js';
import { PublicDomain } from './constructs/public-domain.js';
import { Workflow } from './constructs/workflow.js';
import { acknowledgeStackFindings } from './nag.js';
import { output } from './outputs.js';
import { type Capability, type FunctionPermissions, functionPermissions } from './permissions.js';
import type { MskPathwaySettings } from './settings.js';

/** Where a licensed MSK-HQ wording file sits in each function's bundle (MSKHQ_WORDING_FILE, relative to the code). */
const MSK_HQ_WORDING_IN_BUNDLE = 'msk-hq-wording.json';

export class MskPathwayStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps & { settings: MskPathwaySettings }) {
    super(scope, id, props);
    const { settings } = props;

    const key = new Key(this, 'DataKey', { enableKeyRotation: true, description: 'MSK Pathway patient data (table, topics, link secret)' });
    const data = new Data(this, 'Data', { key });
    output(this, 'TableName', {
      description: 'The referrals table (for operator scripts such as backfill:nhs-index)',
      value: data.table.tableName,
    });
    const notifications = new Notifications(this, 'Notifications', {
      key,
      emails: settings.emails,
      senderEmail: settings.senderEmail,
      createSenderIdentity: settings.createSenderIdentity,
    });
    // Signs the links in emails and texts. Rotate by putting a new value (README): links signed
    // with the previous version (AWSPREVIOUS) keep working.
    const linkSecret = new Secret(this, 'LinkSigningKey', {
      description: 'MSK Pathway: HMAC key for staff and patient links',
      encryptionKey: key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    output(this, 'LinkSecretArn', {
      description: 'The link-signing key: rotate with put-secret-value (README)',
      value: linkSecret.secretArn,
    });
    // CloudWatch Logs may use the key for these log groups only (they can hold error call sites).
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:*` } },
      }),
    );
    const restApi = Api.createRestApi(this, settings.throttle, key);
    new Firewall(this, 'Firewall', {
      restApi,
      requestsPerFiveMinutesPerAddress: settings.wafRateLimit,
      selfReferralsPerFiveMinutesPerAddress: settings.selfReferralRateLimit,
    });
    // A custom domain is served by the stack itself: a URL it did not serve would break every link.
    if (settings.publicBaseUrl)
      new PublicDomain(this, 'PublicDomain', { restApi, publicBaseUrl: settings.publicBaseUrl, hostedZone: settings.hostedZone });
    // Built from the API id, not the stage, so that functions behind the API can know its URL.
    const publicBaseUrl =
      settings.publicBaseUrl ?? `https://${restApi.restApiId}.execute-api.${this.region}.${this.urlSuffix}/${Api.STAGE}`;

    const functions = new Functions(this, 'Functions', {
      logKey: key,
      // The licensed wording goes with the code (a file, not an environment variable: 4 KB is too little).
      files: settings.questionnaires.mskHqWordingFile ? { [MSK_HQ_WORDING_IN_BUNDLE]: settings.questionnaires.mskHqWordingFile } : {},
      environment: {
        TABLE_NAME: data.table.tableName,
        SERVICE_NAME: settings.serviceName,
        TRIAGE_SLA_HOURS: String(settings.triageSlaHours),
        TRIAGE_REMINDER_HOURS: String(settings.triageReminderHours),
        URGENT_WINDOW_DAYS: String(settings.booking.urgentWindowDays),
        ROUTINE_WINDOW_DAYS: String(settings.booking.routineWindowDays),
        APPOINTMENT_REMINDER_HOURS: String(settings.booking.reminderHours),
        PERSONAL_DATA_RETENTION_DAYS: String(settings.personalDataRetentionDays),
        SERVICE_PHONE: settings.firstContact.servicePhone,
        FIRST_CONTACT_CALL: settings.firstContact.sources.join(','),
        FIRST_CONTACT_PRIORITIES: settings.firstContact.priorities.join(','),
        FIRST_CONTACT_HOURS: String(settings.firstContact.hours),
        FIRST_CONTACT_REMINDER_HOURS: String(settings.firstContact.reminderHours),
        FIRST_CONTACT_TARGET_PERCENT: String(settings.firstContact.targetPercent),
        MEANINGFUL_CHANGE: Object.entries(settings.outcomes.meaningfulChange)
          .map(([measure, points]) => `${measure}=${points}`)
          .join(','),
        FFT_TARGET_PERCENT: String(settings.outcomes.fftTargetPercent),
        CALL_ATTEMPTS: String(settings.firstContact.attempts),
        CALL_RETRY_HOURS: String(settings.firstContact.retryHours),
        PATIENT_QUESTIONNAIRES: settings.questionnaires.timepoints.join(','),
        QUESTIONNAIRE_LINK_DAYS: String(settings.questionnaires.linkDays),
        ...(settings.questionnaires.mskHqWordingFile ? { MSKHQ_WORDING_FILE: MSK_HQ_WORDING_IN_BUNDLE } : {}),
        PUBLIC_BASE_URL: publicBaseUrl,
        LINK_SECRET_ARN: linkSecret.secretArn,
        ...notifications.topicEnvironment(),
      },
    });
    const fn = functions.byName;

    const tasks = Object.fromEntries(
      Object.entries(lambdaFunctions).flatMap(([name, spec]) => ('aslKey' in spec ? [[spec.aslKey, fn[name as keyof typeof fn]]] : [])),
    );
    const workflow = new Workflow(this, 'Workflow', { tasks, logKey: key });

    const api = new Api(this, 'Api', {
      restApi,
      functions: fn,
      authDomainPrefix: settings.authDomainPrefix,
      referrerClients: settings.referrerClients,
      publicBaseUrl,
    });
    // Status sent back: each referring system with a callback, by its OAuth client id.
    const callbacks = new Callbacks(this, 'Callbacks', {
      table: data.table,
      key,
      callbacks: Object.entries(settings.referrerCallbacks).map(([name, url]) => ({ name, url, clientId: api.referrerClientIds[name]! })),
      functions: [fn.captureStatusChanges, fn.deliverCallbacks, fn.callbackFailed],
      alarmTopic: notifications.topics['service-lead'],
    });

    // Least privilege, function by function, from the one table of what each may do.
    const grant: Record<Capability, (grantee: NodejsFunction) => void> = {
      'start-workflow': (grantee) => workflow.grantStart(grantee),
      'resume-workflow': (grantee) => workflow.grantResume(grantee),
      // Texting and staff topics never share a role: the SMS role is fenced off every SNS ARN.
      sms: (grantee) => Notifications.grantSendSms(grantee),
      'sms-opt-out': (grantee) => Notifications.grantOptOutCheck(grantee),
      'staff-email': (grantee) => notifications.grantStaffEmail(grantee),
      'referrer-email': (grantee) => notifications.grantReferrerEmail(grantee),
      // Read, not described (Secret.grantRead adds DescribeSecret); the key only through Secrets Manager.
      'callback-queue': (grantee) => callbacks.grantEnqueue(grantee),
      'callback-retry': (grantee) => callbacks.grantRetry(grantee),
      'callback-secret': (grantee) => callbacks.grantSecretRead(grantee),
      'link-secret': (grantee) => {
        grantee.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [linkSecret.secretArn] }));
        grantee.addToRolePolicy(
          new PolicyStatement({
            actions: ['kms:Decrypt'],
            resources: [key.keyArn],
            conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${this.region}.amazonaws.com` } },
          }),
        );
      },
    };
    for (const [name, may] of Object.entries(functionPermissions) as [FunctionName, FunctionPermissions][]) {
      data.grantItems(fn[name], may);
      for (const capability of may.uses ?? []) grant[capability](fn[name]);
      if (may.triggeredBy) callbacks.trigger(may.triggeredBy, fn[name]);
    }

    // A referral stored whose workflow did not start (and whose client never retried) is started.
    new Rule(this, 'StalledReferralsSchedule', {
      description: 'Every 15 minutes: start the workflow of any referral stored but never started',
      schedule: Schedule.rate(Duration.minutes(15)),
      targets: [new LambdaFunction(fn.startStalledReferrals, { retryAttempts: 2 })],
    });
    // Timetable sessions keep their slots topped up, daily.
    new Rule(this, 'TimetableSchedule', {
      description: "Daily: make every timetable session's slots up to TIMETABLE_WEEKS_AHEAD ahead",
      schedule: Schedule.cron({ minute: '0', hour: '3' }),
      targets: [new LambdaFunction(fn.topUpTimetable, { retryAttempts: 2 })],
    });
    // The retention rule runs daily, at night.
    new Rule(this, 'RetentionSchedule', {
      description: "Daily: remove closed referrals' personal data once the retention period has passed",
      schedule: Schedule.cron({ minute: '30', hour: '2' }),
      targets: [new LambdaFunction(fn.removePersonalData, { retryAttempts: 2 })],
    });

    new Monitoring(this, 'Monitoring', {
      restApi,
      stateMachine: workflow.stateMachine,
      functions: Object.values(fn),
      alarmTopic: notifications.topics['service-lead'],
    });
    // CloudWatch alarms publish to the (encrypted) service lead topic.
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    acknowledgeStackFindings(this, { workflowFunctions: Object.values(tasks) });
  }
}
