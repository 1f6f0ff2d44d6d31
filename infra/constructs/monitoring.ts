/**
 * The operational view in CloudWatch: referrals in, failed executions, SLA breaches, failed
 * messages, API 4xx/5xx, Lambda errors and throttles; and alarms on SLA breaches, executions that
 * failed, timed out or were stopped, and failed messages, that email the service lead's topic. (The clinical figures are on the
 * service's own /dashboard, computed from events.)
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

import { METRICS_NAMESPACE, METRICS_SERVICE } from '../../shared/metrics.js';
import { output } from '../outputs.js';

export interface MonitoringProps {
  restApi: RestApi;
  stateMachine: StateMachine;
  functions: IFunction[];
  alarmTopic: ITopic;
}

export class Monitoring extends Construct {
  readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const business = (metricName: string, label: string) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: METRICS_SERVICE },
        statistic: 'Sum',
        period: Duration.minutes(5),
        label,
      });
    const referralsIn = business('ReferralReceived', 'Referrals received');
    const slaBreaches = business('TriageSlaBreached', 'Triage SLA breaches');
    const notificationsFailed = business('NotificationFailed', 'Messages that could not be sent');
    const workflowsStopped = business('WorkflowStopped', 'Referrals stopped (workflow_failed)');
    const executionsFailed = props.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum', label: 'Executions failed' });
    // An execution that reaches Step Functions' one-year limit ends TIMED_OUT; one stopped by hand, ABORTED.
    const executionsTimedOut = props.stateMachine.metricTimedOut({
      period: Duration.minutes(5),
      statistic: 'Sum',
      label: 'Executions timed out',
    });
    const executionsAborted = props.stateMachine.metricAborted({
      period: Duration.minutes(5),
      statistic: 'Sum',
      label: 'Executions aborted',
    });
    // One line each for all functions together: summed with metric math.
    const total = (label: string, metric: (fn: IFunction) => IMetric) => {
      // Ids must be unique within a graph: prefix them with the line's name.
      const id = (i: number) => `${label.toLowerCase()}${i}`;
      return new MathExpression({
        expression: props.functions.map((_, i) => `FILL(${id(i)}, 0)`).join(' + '),
        usingMetrics: Object.fromEntries(props.functions.map((fn, i) => [id(i), metric(fn)])),
        period: Duration.minutes(5),
        label,
      });
    };

    new Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-operations`,
      widgets: [
        [
          new TextWidget({
            markdown:
              '## MSK Pathway: operations\nClinical figures (triage within 24 h, waits, diversion) are on the service dashboard at `/dashboard`.',
            width: 24,
            height: 2,
          }),
        ],
        [
          new GraphWidget({ title: 'Referrals in', left: [referralsIn], width: 8 }),
          new GraphWidget({ title: 'Triage SLA breaches', left: [slaBreaches], width: 8 }),
          new GraphWidget({
            title: 'Failed executions and stopped referrals',
            left: [executionsFailed, executionsTimedOut, executionsAborted, workflowsStopped],
            width: 8,
          }),
        ],
        [
          new GraphWidget({ title: 'Messages (SMS, email) that could not be sent', left: [notificationsFailed], width: 8 }),
          new GraphWidget({
            title: 'API errors',
            left: [
              props.restApi.metricClientError({ period: Duration.minutes(5), statistic: 'Sum', label: '4xx' }),
              props.restApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum', label: '5xx' }),
            ],
            width: 8,
          }),
          new GraphWidget({
            title: 'Lambda errors and throttles (all functions)',
            left: [
              total('Errors', (fn) => fn.metricErrors({ statistic: 'Sum' })),
              total('Throttles', (fn) => fn.metricThrottles({ statistic: 'Sum' })),
            ],
            width: 8,
          }),
        ],
      ],
    });

    // enforceSSL gives the topic a policy that only denies: CloudWatch must be allowed to publish
    // to it, or every alarm action is refused. Only this account's alarms, and only over TLS.
    props.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowThisAccountsAlarms',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [props.alarmTopic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': Stack.of(this).formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        },
      }),
    );
    const alarm = (id: string, metric: IMetric, description: string) => {
      const created = new Alarm(this, id, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(new SnsAction(props.alarmTopic));
      return created;
    };
    this.alarms = [
      alarm('TriageSlaBreachedAlarm', slaBreaches, 'A referral has passed its 24-hour triage target untriaged.'),
      alarm(
        'ExecutionsFailedAlarm',
        executionsFailed,
        'A referral workflow failed: check referrals marked workflow_failed or notification_failed.',
      ),
      alarm(
        'ExecutionsTimedOutAlarm',
        executionsTimedOut,
        "A referral workflow reached Step Functions' one-year limit and stopped: find the referral and act on it by hand.",
      ),
      alarm(
        'ExecutionsAbortedAlarm',
        executionsAborted,
        'A referral workflow was stopped (aborted): check that its referral is closed or acted on.',
      ),
      alarm('NotificationFailedAlarm', notificationsFailed, 'An SMS or email could not be sent after retries: check SNS/SES.'),
    ];
    // Never breaches by itself: `npm run smoke -- --alarm <name>` sets it to ALARM and back, to prove
    // that alarms reach the service lead without crying wolf about a real one.
    const smoke = alarm(
      'SmokeCheckAlarm',
      business('SmokeCheck', 'Smoke check'),
      'Smoke check after a deployment: if you are reading this, CloudWatch alarms reach you. No action is needed.',
    );
    output(this, 'SmokeAlarmName', { description: 'The alarm `npm run smoke -- --alarm` fires and resets', value: smoke.alarmName });
  }
}
