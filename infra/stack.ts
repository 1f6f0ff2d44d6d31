/** The whole service in one stack, composed of one construct per concern. */
import { Stack, type StackProps } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Node } from 'constructs';
import { Construct } from 'constructs';
import { Api } from './constructs/api.js';
import { Data } from './constructs/data.js';
import { Functions } from './constructs/functions.js';
import { Notifications } from './constructs/notifications.js';
import { Workflow } from './constructs/workflow.js';
import { lambdaFunctions } from '../shared/functions.js';

export interface MskPathwaySettings {
  /** The name patients see in texts (40 characters at most). */
  serviceName: string;
  /** Triage team and service lead addresses, subscribed to the staff topic. */
  staffEmails: string[];
  authDomainPrefix: string;
  triageSlaHours: number;
  throttle: { rateLimit: number; burstLimit: number };
}

export class MskPathwayStack extends Stack {
  /** Settings from `cdk.json` context or `-c key=value`; see the README's deploy section. */
  static settingsFromContext(node: Node): MskPathwaySettings {
    const get = (key: string) => node.tryGetContext(`mskPathway:${key}`);
    const list = (value: unknown): string[] => (Array.isArray(value) ? value : typeof value === 'string' && value ? value.split(',') : []);
    const serviceName = String(get('serviceName') ?? 'MSK Service');
    if (serviceName.length > 40) throw new Error('mskPathway:serviceName must be at most 40 characters (it goes in every SMS)');
    return {
      serviceName,
      staffEmails: [...list(get('triageEmails')), ...list(get('serviceLeadEmails'))].map((e) => e.trim()).filter(Boolean),
      authDomainPrefix: String(get('authDomainPrefix') ?? 'msk-pathway-referrers'),
      triageSlaHours: Number(get('triageSlaHours') ?? 24),
      throttle: { rateLimit: Number(get('throttleRate') ?? 50), burstLimit: Number(get('throttleBurst') ?? 100) },
    };
  }

  constructor(scope: Construct, id: string, props: StackProps & { settings: MskPathwaySettings }) {
    super(scope, id, props);
    const { settings } = props;

    const key = new Key(this, 'DataKey', { enableKeyRotation: true, description: 'MSK Pathway patient data (table, topics)' });
    const data = new Data(this, 'Data', { key });
    new Notifications(this, 'Notifications', { key, staffEmails: settings.staffEmails });
    const functions = new Functions(this, 'Functions', {
      environment: {
        TABLE_NAME: data.table.tableName,
        SERVICE_NAME: settings.serviceName,
        TRIAGE_SLA_HOURS: String(settings.triageSlaHours),
      },
    });
    const fn = functions.byName;

    const tasks = Object.fromEntries(
      Object.entries(lambdaFunctions).flatMap(([name, spec]) => ('aslKey' in spec ? [[spec.aslKey, fn[name as keyof typeof fn]]] : [])),
    );
    const workflow = new Workflow(this, 'Workflow', { tasks });

    // Least privilege, function by function.
    data.table.grantReadWriteData(fn.createReferral);
    workflow.stateMachine.grantStartExecution(fn.createReferral);
    fn.createReferral.addEnvironment('STATE_MACHINE_ARN', workflow.stateMachine.stateMachineArn);
    data.table.grantReadData(fn.getReferral);
    data.table.grantReadWriteData(fn.screenReferral);
    data.table.grantReadWriteData(fn.notifyPatient);
    Notifications.grantSendSms(fn.notifyPatient);
    data.table.grantReadWriteData(fn.recordFailure);

    new Api(this, 'Api', { functions: fn, authDomainPrefix: settings.authDomainPrefix, throttle: settings.throttle });
  }
}
