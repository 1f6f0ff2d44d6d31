/** The whole service in one stack, composed of one construct per concern. */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

import { lambdaFunctions } from '../shared/functions.js';
import { Api } from './constructs/api.js';
import { Data } from './constructs/data.js';
import { Firewall } from './constructs/firewall.js';
import { Functions } from './constructs/functions.js';
import { Monitoring } from './constructs/monitoring.js';
import { Notifications } from './constructs/notifications.js';
import { PublicDomain } from './constructs/public-domain.js';
import { Workflow } from './constructs/workflow.js';
import { acknowledgeStackFindings } from './nag.js';
import type { MskPathwaySettings } from './settings.js';

export class MskPathwayStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps & { settings: MskPathwaySettings }) {
    super(scope, id, props);
    const { settings } = props;

    const key = new Key(this, 'DataKey', { enableKeyRotation: true, description: 'MSK Pathway patient data (table, topics, link secret)' });
    const data = new Data(this, 'Data', { key });
    const notifications = new Notifications(this, 'Notifications', {
      key,
      emails: settings.emails,
      senderEmail: settings.senderEmail,
      createSenderIdentity: settings.createSenderIdentity,
    });
    // Signs the links in emails and texts; rotate by changing it (open links then stop working).
    const linkSecret = new Secret(this, 'LinkSigningKey', {
      description: 'MSK Pathway: HMAC key for staff and patient links',
      encryptionKey: key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
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
    new Firewall(this, 'Firewall', { restApi, requestsPerFiveMinutesPerAddress: settings.wafRateLimit });
    // A custom domain is served by the stack itself: a URL it did not serve would break every link.
    if (settings.publicBaseUrl)
      new PublicDomain(this, 'PublicDomain', { restApi, publicBaseUrl: settings.publicBaseUrl, hostedZone: settings.hostedZone });
    // Built from the API id, not the stage, so that functions behind the API can know its URL.
    const publicBaseUrl =
      settings.publicBaseUrl ?? `https://${restApi.restApiId}.execute-api.${this.region}.${this.urlSuffix}/${Api.STAGE}`;

    const functions = new Functions(this, 'Functions', {
      logKey: key,
      environment: {
        TABLE_NAME: data.table.tableName,
        SERVICE_NAME: settings.serviceName,
        TRIAGE_SLA_HOURS: String(settings.triageSlaHours),
        TRIAGE_REMINDER_HOURS: String(settings.triageReminderHours),
        URGENT_WINDOW_DAYS: String(settings.booking.urgentWindowDays),
        ROUTINE_WINDOW_DAYS: String(settings.booking.routineWindowDays),
        APPOINTMENT_REMINDER_HOURS: String(settings.booking.reminderHours),
        PERSONAL_DATA_RETENTION_DAYS: String(settings.personalDataRetentionDays),
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

    // Least privilege, function by function.
    // Both intakes (the API and the self-referral form) store referrals and start their workflows.
    for (const intake of [fn.createReferral, fn.selfReferral]) {
      data.table.grantReadWriteData(intake);
      workflow.stateMachine.grantStartExecution(intake);
      intake.addEnvironment('STATE_MACHINE_ARN', workflow.stateMachine.stateMachineArn);
    }
    // The schedule that starts a stored referral's workflow if its intake could not.
    data.table.grantReadData(fn.startStalledReferrals);
    workflow.stateMachine.grantStartExecution(fn.startStalledReferrals);
    fn.startStalledReferrals.addEnvironment('STATE_MACHINE_ARN', workflow.stateMachine.stateMachineArn);
    data.table.grantReadData(fn.getReferral);
    // Only the functions that carry a person's answer may resume the workflow.
    for (const answering of [fn.taskDecision, fn.provideInformation, fn.patientAction]) {
      answering.addToRolePolicy(
        new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [workflow.stateMachine.stateMachineArn] }),
      );
    }
    for (const reader of [fn.patientPage]) data.table.grantReadData(reader);
    const writers = [
      fn.taskDecision,
      fn.provideInformation,
      fn.patientAction,
      fn.admin,
      fn.screenReferral,
      fn.notifyPatient,
      fn.redirectEmergency,
    ];
    writers.push(fn.emailStaff, fn.openTask, fn.taskTimer, fn.notifyOutcome, fn.bookingStep, fn.recordFailure, fn.removePersonalData);
    // Staff pages record who saw which patient (the access log), and claims; the timetable makes slots.
    writers.push(fn.taskPage, fn.staffWorkspace, fn.staffTimetable, fn.reporting, fn.topUpTimetable);
    for (const writer of writers) data.table.grantReadWriteData(writer);
    const signers = [
      fn.taskPage,
      fn.taskDecision,
      fn.patientPage,
      fn.patientAction,
      fn.openTask,
      fn.taskTimer,
      fn.emailStaff,
      fn.notifyPatient,
      fn.bookingStep,
      // Staff pages sign their forms' tokens with it; the workspace links rows to their steps.
      fn.staffWorkspace,
      fn.staffTimetable,
    ];
    for (const signer of signers) linkSecret.grantRead(signer);
    // Texting and staff topics never share a role: the SMS role is fenced off every SNS ARN.
    // (the timetable texts a patient whose appointment the clinic cancelled)
    for (const texter of [fn.notifyPatient, fn.redirectEmergency, fn.notifyOutcome, fn.bookingStep, fn.patientAction, fn.staffTimetable])
      Notifications.grantSendSms(texter);
    for (const emailer of [fn.emailStaff, fn.openTask, fn.taskTimer, fn.recordFailure]) notifications.grantStaffEmail(emailer);
    for (const emailer of [fn.openTask, fn.notifyOutcome, fn.patientAction]) notifications.grantReferrerEmail(emailer);
    // Booking checks the SNS opt-out list before inviting by text.
    fn.bookingStep.addToRolePolicy(new PolicyStatement({ actions: ['sns:CheckIfPhoneNumberIsOptedOut'], resources: ['*'] }));

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

    new Api(this, 'Api', {
      restApi,
      functions: fn,
      authDomainPrefix: settings.authDomainPrefix,
      referrerClients: settings.referrerClients,
      publicBaseUrl,
    });
    acknowledgeStackFindings(this, { table: data.table, workflowFunctions: Object.values(tasks) });
  }
}
