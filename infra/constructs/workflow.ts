/** The referral state machine, from the one ASL file, with logging (no execution data) and tracing. */
import { RemovalPolicy } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Function, IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

import { ASL_FILE } from '../paths.js';

export class Workflow extends Construct {
  readonly stateMachine: StateMachine;

  /** `tasks` maps each definition substitution key (e.g. ScreenReferralFunctionArn) to its function. */
  constructor(scope: Construct, id: string, props: { tasks: Record<string, IFunction>; logKey: IKey }) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
      encryptionKey: props.logKey,
    });
    this.stateMachine = new StateMachine(this, 'Referral', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(ASL_FILE),
      definitionSubstitutions: Object.fromEntries(Object.entries(props.tasks).map(([key, fn]) => [key, fn.functionArn])),
      tracingEnabled: true,
      // Execution data stays out of the logs: it is ids only today, but the logs must never
      // become a second, less protected copy of patient data.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });
    for (const fn of Object.values(props.tasks)) fn.grantInvoke(this.stateMachine);
  }

  /** Starting a referral's workflow: StartExecution on this state machine, and its ARN in the environment. */
  grantStart(grantee: Function): void {
    this.stateMachine.grantStartExecution(grantee);
    grantee.addEnvironment('STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
  }

  /**
   * Resuming a waiting step with a person's answer: SendTaskSuccess on this state machine only
   * (not SendTaskFailure or SendTaskHeartbeat, which grantTaskResponse would add: no code sends them).
   */
  grantResume(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [this.stateMachine.stateMachineArn] }),
    );
  }
}
