/**
 * cdk-nag (AwsSolutions and HIPAA Security packs) runs on every synth. Findings that are right
 * for this design are acknowledged here, each with its reason; anything else fails the synth.
 */
import { type CfnElement, type Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import type { Construct, IConstruct } from 'constructs';

export function addNagChecks(app: Construct): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app as never));
  Validations.of(app).addPlugins(new HIPAASecurityChecks(app as never));
}

/** Stack-wide acknowledgements: design decisions that hold for every resource they name. */
export const STACK_ACKNOWLEDGEMENTS: { id: string; reason: string }[] = [
  {
    id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'Lets each function write its own logs, nothing else; all data access is granted inline per resource.',
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    reason:
      'The only AWS managed policies are AWSLambdaBasicExecutionRole (write own logs) and the API Gateway CloudWatch role; all data access is granted inline per resource.',
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    reason:
      'The key actions DynamoDB (for table writers) and SNS (for staff topic publishers) use on behalf of the caller, as CDK grants them: the envelope-encryption family on this one key, and only through that service (kms:ViaService).',
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
    reason:
      'The key actions DynamoDB uses on behalf of a table writer, as the CDK table grants give them: the ReEncrypt family on this one key, and only through DynamoDB (kms:ViaService).',
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason:
      'Only for actions AWS grants on "*": X-Ray tracing, Step Functions log delivery, SMS publish to phone numbers (fenced by a Deny on every SNS ARN), the SMS opt-out check and dynamodb:ListStreams (the stream poller; its reads name the stream); the stack tests assert this.',
  },
  {
    id: 'HIPAA.Security::HIPAA.Security-WAFv2LoggingEnabled',
    reason:
      'WAF request logs would copy request paths (which carry link capabilities) and headers into logs; WAF metrics are on and sampled requests are off instead.',
  },
  {
    id: 'HIPAA.Security-IAMNoInlinePolicy',
    reason:
      'The inline policy of each function role is written from one table (infra/permissions.ts) and checked against the code: every statement names its resource (this table or one of its indexes, these topics, this secret, this state machine, this key through one service).',
  },
  {
    id: 'AwsSolutions-L1',
    reason: 'nodejs22.x is the runtime this project builds and tests for; moving runtime is a deliberate upgrade with its own test run.',
  },
  {
    id: 'HIPAA.Security-LambdaConcurrency',
    reason:
      'Concurrency is bounded upstream: API Gateway stage throttling for API functions and Step Functions for workflow steps. Reserving per-function concurrency would fail in new accounts (limit 10).',
  },
  {
    id: 'HIPAA.Security-LambdaDLQ',
    reason:
      'No function is invoked asynchronously: API Gateway, Step Functions and the event source mappings (stream, callback queues) invoke synchronously and own the retries; failed workflow steps end as workflow_failed, undelivered callbacks in their dead-letter queue.',
  },
  {
    id: 'HIPAA.Security-LambdaInsideVPC',
    reason:
      'Functions call only AWS APIs (DynamoDB, SNS, SES, Step Functions, Secrets Manager) over TLS with IAM; there is no VPC resource to reach, so a VPC would add cost and latency without narrowing access.',
  },
  {
    id: 'AwsSolutions-COG1',
    reason:
      'Applies to the referrer pool, which has no users and no passwords: GP systems use OAuth client credentials. The staff pool has a strong password policy.',
  },
  { id: 'AwsSolutions-COG2', reason: 'Applies to the referrer pool (machine clients only). Staff sign-in requires MFA.' },
  {
    id: 'AwsSolutions-COG8',
    reason:
      'Applies to the referrer pool (machine clients only; threat protection covers user sign-ins). The staff pool uses the Plus plan with threat protection enforced.',
  },
  {
    id: 'AwsSolutions-SMG4',
    reason:
      'Rotating the link-signing key invalidates every open link in patients’ texts and staff emails; it is rotated by operators on a schedule, not automatically.',
  },
  {
    id: 'HIPAA.Security-SecretsManagerRotationEnabled',
    reason: 'As AwsSolutions-SMG4: rotating the link-signing key is an operator action.',
  },
  {
    id: 'AwsSolutions-APIG2',
    reason:
      'Every request is validated in the Lambda with zod, field by field, answering in the API’s own 400 shape; an API Gateway validator would answer differently.',
  },
  {
    id: 'HIPAA.Security-APIGWCacheEnabledAndEncrypted',
    reason: 'No API caching: every response is per referral or per patient and sent with Cache-Control: no-store.',
  },
  {
    id: 'HIPAA.Security-APIGWSSLEnabled',
    reason: 'Backend client certificates apply to HTTP integrations; every integration here is a Lambda proxy.',
  },
];

/**
 * Also the wildcards CDK's own grants produce for named resources: each workflow function's
 * versions (the state machine may invoke `<function>:*`). Queries name each index they use, so the
 * table's `index/*` no longer appears.
 */
export function acknowledgeStackFindings(stack: Stack, named: { workflowFunctions: IConstruct[] }): void {
  const logicalId = (c: IConstruct) => stack.getLogicalId(c.node.defaultChild as CfnElement);
  const acks = [
    ...STACK_ACKNOWLEDGEMENTS,
    ...named.workflowFunctions.map((fn) => ({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${logicalId(fn)}.Arn>:*]`,
      reason: 'The state machine may invoke this one function, any version or alias of it (CDK grantInvoke).',
    })),
  ];
  for (const ack of acks) Validations.of(stack).acknowledge(ack);
}
