/** CDK assertions on the synthesized template: the promises the stack makes to operations teams. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';

import { addNagChecks, STACK_ACKNOWLEDGEMENTS } from '../infra/nag.js';
import { ASL_FILE } from '../infra/paths.js';
import { REPO_ROOT } from '../local/runtime.js';
import { lambdaFunctions } from '../shared/functions.js';
import { routes } from '../shared/routes.js';
import { exampleApp, exampleStack } from './support/cdk-context.js';
import { recordFigures } from './support/figures.js';

let template: Template;
let assemblyDir: string;

beforeAll(() => {
  const app = exampleApp();
  template = Template.fromStack(exampleStack(app));
  assemblyDir = app.synth().directory;
});

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
const resources = (type: string) => Object.values(template.findResources(type)) as Resource[];

describe('CDK stack', () => {
  it('passes cdk-nag (AwsSolutions and HIPAA Security) with every acknowledgement giving a reason', () => {
    const app = exampleApp();
    addNagChecks(app);
    exampleStack(app, 'Nagged');
    // An unacknowledged finding fails synthesis with the rule and the resource named.
    let findings = '';
    try {
      app.synth();
    } catch (error) {
      findings = (error as Error).message;
    }
    const unacknowledged = findings ? Math.max(1, findings.match(/(AwsSolutions|HIPAA\.Security)-\w+/g)?.length ?? 0) : 0;
    recordFigures('cdk-nag', { nagFindingsUnacknowledged: unacknowledged });
    expect(findings).toBe('');
    for (const ack of STACK_ACKNOWLEDGEMENTS) expect(ack.reason.length, ack.id).toBeGreaterThan(40);
    console.log(`cdk-nag: 0 unacknowledged findings; ${STACK_ACKNOWLEDGEMENTS.length} stack-wide acknowledgements, each with a reason`);
  });

  it('puts AWS WAF in front of the API, and encrypts every log group with the service key', () => {
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([Match.objectLike({ Name: 'RatePerAddress' })]),
    });
    for (const group of resources('AWS::Logs::LogGroup')) expect(group.Properties.KmsKeyId).toBeDefined();
  });

  it("holds posts of the public self-referral form to a per-address rate tighter than the API's, answered 429 with a page", () => {
    const [acl] = resources('AWS::WAFv2::WebACL');
    const rule = (name: string) => acl!.Properties.Rules.find((r: any) => r.Name === name);
    const form = rule('SelfReferralRatePerAddress').Statement.RateBasedStatement;
    const api = rule('RatePerAddress').Statement.RateBasedStatement;
    expect([form.Limit, api.Limit]).toEqual([20, 1000]); // the settings' defaults
    expect([form.EvaluationWindowSec, form.AggregateKeyType]).toEqual([300, 'IP']);
    expect(rule('SelfReferralRatePerAddress').Priority).toBeLessThan(rule('RatePerAddress').Priority);
    const [method, path] = form.ScopeDownStatement.AndStatement.Statements;
    expect(method.ByteMatchStatement).toMatchObject({
      SearchString: 'post',
      FieldToMatch: { Method: {} },
      PositionalConstraint: 'EXACTLY',
    });
    expect(path.RegexMatchStatement.FieldToMatch).toEqual({ UriPath: {} });
    // WAF sees the path with the stage on the API Gateway URL, without it on the custom domain.
    const matches = (p: string) => new RegExp(path.RegexMatchStatement.RegexString).test(p);
    expect(['/self-referral', '/v1/self-referral', '/v1/self-referral/'].every(matches)).toBe(true);
    expect(['/self-care', '/self-referral-help', '/v1/referrals'].some(matches)).toBe(false);
    expect(rule('SelfReferralRatePerAddress').Action.Block.CustomResponse).toEqual({
      ResponseCode: 429,
      CustomResponseBodyKey: 'tooManySelfReferrals',
    });
    expect(acl!.Properties.CustomResponseBodies.tooManySelfReferrals.Content).toContain('call 999');
    const tighter = Template.fromStack(exampleStack(exampleApp({ 'mskPathway:selfReferralRateLimit': '10' }), 'Tighter'));
    expect(JSON.stringify(tighter.findResources('AWS::WAFv2::WebACL'))).toContain('"Limit":10,');
  });

  it('runs every function on Node 22, arm64, with tracing', () => {
    const functions = resources('AWS::Lambda::Function');
    expect(functions).toHaveLength(Object.keys(lambdaFunctions).length);
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
  });

  it("says HTTPS only on API Gateway's own answers too (authorizer refusals, throttling, any 4xx or 5xx it makes)", () => {
    const answers = resources('AWS::ApiGateway::GatewayResponse');
    expect(answers.map((r) => r.Properties.ResponseType).sort()).toEqual(
      ['ACCESS_DENIED', 'DEFAULT_4XX', 'DEFAULT_5XX', 'REQUEST_TOO_LARGE', 'THROTTLED', 'UNAUTHORIZED'].sort(),
    );
    for (const answer of answers)
      expect(answer.Properties.ResponseParameters).toMatchObject({
        'gatewayresponse.header.Strict-Transport-Security': "'max-age=31536000; includeSubDomains'",
      });
  });

  it('outputs the link-signing secret, for rotating it as the README says', () => {
    expect(Object.keys(template.findOutputs('LinkSecretArn'))).toHaveLength(1);
  });

  it('keeps link capabilities out of X-Ray: no tracing at the gateway (it records URLs), none in function code', () => {
    // /a/{link} and /tasks/{link}: the URL is the capability, and API Gateway traces record it.
    expect(routes.filter((r) => r.path.includes('{link}')).map((r) => r.path)).toEqual(
      expect.arrayContaining(['/a/{link}', '/tasks/{link}']),
    );
    const [stage] = resources('AWS::ApiGateway::Stage');
    expect(stage!.Properties.TracingEnabled).toBe(false);
    // Lambda's own segments name the function and the invocation, not the event. A tracer in the
    // code (X-Ray SDK, Powertools Tracer) would add subsegments, and by default handler responses:
    // pages with patient data. None is a dependency; adding one means revisiting this.
    const { dependencies } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: object };
    expect(Object.keys(dependencies).filter((d) => /xray|tracer/i.test(d))).toEqual([]);
  });

  it('runs the retention rule daily, with the period from context, against the retention function', () => {
    const rule = resources('AWS::Events::Rule').find((r) => r.Properties.ScheduleExpression === 'cron(30 2 * * ? *)');
    const target = JSON.stringify(rule!.Properties.Targets);
    const retention = Object.entries(template.findResources('AWS::Lambda::Function')).find(([, r]) =>
      String(r.Properties.Description).startsWith('Daily: the retention rule'),
    )!;
    expect(target).toContain(retention[0]);
    expect(retention[1].Properties.Environment.Variables.PERSONAL_DATA_RETENTION_DAYS).toBe('2922');
  });

  it('keeps the table safe: customer-managed KMS key, point-in-time recovery, deletion protection, retained', () => {
    const [table] = resources('AWS::DynamoDB::GlobalTable');
    expect(table!.DeletionPolicy).toBe('Retain');
    expect(table!.Properties.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
    const [replica] = table!.Properties.Replicas;
    expect(replica.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(replica.DeletionProtectionEnabled).toBe(true);
    expect(replica.SSESpecification.KMSMasterKeyId).toBeDefined();
    expect(table!.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('puts a Cognito authorizer with the referrals scope on every referrer route, the staff authorizer on staff routes, and none on link and public pages', () => {
    const methods = resources('AWS::ApiGateway::Method').filter((m) => m.Properties.HttpMethod !== 'OPTIONS');
    expect(methods).toHaveLength(routes.length);
    const referrerRoutes = routes.filter((r) => r.auth === 'referrer').length;
    const staffRoutes = routes.filter((r) => r.auth === 'staff').length;
    const scoped = methods.filter((m) => m.Properties.AuthorizationType === 'COGNITO_USER_POOLS');
    expect(scoped).toHaveLength(referrerRoutes);
    for (const method of scoped) {
      expect(method.Properties.AuthorizationScopes).toEqual(['msk-pathway/referrals.write']);
      expect(method.Properties.AuthorizerId).toBeDefined();
    }
    // Staff routes: one Lambda REQUEST authorizer (header or session cookie), never the referrers' (a GP system is not staff).
    const staff = methods.filter((m) => m.Properties.AuthorizationType === 'CUSTOM');
    expect(staff).toHaveLength(staffRoutes);
    expect(new Set(staff.map((m) => JSON.stringify(m.Properties.AuthorizerId))).size).toBe(1);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'REQUEST', AuthorizerResultTtlInSeconds: 0 });
    expect(methods.filter((m) => m.Properties.AuthorizationType === 'NONE')).toHaveLength(routes.length - referrerRoutes - staffRoutes);
    template.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON' });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['client_credentials'],
      GenerateSecret: true,
    });
    // Browser sign-in for staff: authorization code (PKCE, no secret), back to /staff/signed-in.
    const dashboardClient = resources('AWS::Cognito::UserPoolClient').find((c) => c.Properties.AllowedOAuthFlows?.[0] === 'code')!;
    expect(dashboardClient.Properties.GenerateSecret).toBe(false);
    expect(JSON.stringify(dashboardClient.Properties.CallbackURLs)).toContain('/staff/signed-in');
  });

  it('has an operations dashboard and alarms on SLA breaches, failed, timed-out or aborted executions, failed messages and the smoke check, to the service lead', () => {
    const [dashboard] = resources('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    for (const shown of [
      'ReferralReceived',
      'TriageSlaBreached',
      'ExecutionsFailed',
      'NotificationFailed',
      '4XXError',
      '5XXError',
      'Throttles',
      'Errors',
    ])
      expect(body, shown).toContain(shown);
    const alarms = resources('AWS::CloudWatch::Alarm');
    const watched = alarms.map((a) => JSON.stringify(a.Properties).match(/"MetricName":"(\w+)"/)![1]);
    expect(watched.sort()).toEqual([
      'ApproximateAgeOfOldestMessage',
      'ExecutionsAborted',
      'ExecutionsFailed',
      'ExecutionsTimedOut',
      'IteratorAge',
      'NotificationFailed',
      'SmokeCheck',
      'TriageSlaBreached',
    ]);
    const leadTopic = Object.entries(template.findResources('AWS::SNS::Topic')).find(
      ([, t]) => t.Properties.DisplayName === 'MSK service lead',
    )![0];
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: leadTopic }]);
  });

  it('throttles the API and writes access logs', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100, DataTraceEnabled: false })]),
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it('loads the state machine from the ASL file, filling every placeholder with a function', () => {
    const [machine] = resources('AWS::StepFunctions::StateMachine');
    const file = readFileSync(ASL_FILE, 'utf8');
    expect(machine!.Properties.StateMachineType).toBe('STANDARD');
    // The definition is the file itself, shipped unchanged as an S3 asset.
    const asset = readFileSync(join(assemblyDir, `asset.${machine!.Properties.DefinitionS3Location.Key}`), 'utf8');
    expect(asset).toBe(file);
    const placeholders = [...new Set([...file.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]))].sort();
    expect(Object.keys(machine!.Properties.DefinitionSubstitutions).sort()).toEqual(placeholders);
    expect(machine!.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine!.Properties.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
  });

  it('grants no wildcard actions, and SNS-to-anything only to the SMS sender, fenced off from topics', () => {
    const statements = resources('AWS::IAM::Policy').flatMap((p) =>
      p.Properties.PolicyDocument.Statement.map((s: any) => ({ ...s, roles: p.Properties.Roles })),
    );
    for (const s of statements) {
      const actions = [s.Action].flat();
      expect(
        actions.some((a: string) => a === '*' || a.endsWith(':*')),
        JSON.stringify(s),
      ).toBe(false);
    }
    // Actions AWS only grants on "*": X-Ray tracing, Step Functions log delivery, SMS publish and its opt-out check, listing streams.
    const needsStar = (a: string) =>
      a === 'sns:CheckIfPhoneNumberIsOptedOut' ||
      // Lambda's stream poller lists streams; the action has no resource type (the stream's reads name it).
      a === 'dynamodb:ListStreams' ||
      a === 'sns:Publish' ||
      a.startsWith('xray:') ||
      /^logs:(\w+LogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)$/.test(a);
    const anyResource = statements.filter((s) => s.Effect === 'Allow' && [s.Resource].flat().includes('*'));
    for (const s of anyResource) expect([s.Action].flat().every(needsStar), JSON.stringify(s.Action)).toBe(true);
    // Every role allowed to publish to "*" (phone numbers) is fenced off from every SNS ARN.
    const smsRoles = anyResource.filter((s) => [s.Action].flat().includes('sns:Publish')).map((s) => JSON.stringify(s.roles));
    expect(smsRoles.length).toBeGreaterThan(0);
    const fenced = statements
      .filter((s) => s.Effect === 'Deny' && s.Action === 'sns:Publish' && s.Resource === 'arn:aws:sns:*:*:*')
      .map((s) => JSON.stringify(s.roles));
    expect(fenced.sort()).toEqual(smsRoles.sort());
    // ...and no SMS role is also granted a topic (the Deny would silently block it).
    const topicPublishers = statements
      .filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes('sns:Publish') && JSON.stringify(s.Resource).includes('Ref'))
      .map((s) => JSON.stringify(s.roles));
    for (const role of smsRoles) expect(topicPublishers).not.toContain(role);
  });

  it("lets only the functions that carry a person's answer or a clinic's cancellation resume the workflow, here only", () => {
    const resumers = resources('AWS::IAM::Policy').flatMap((p) =>
      p.Properties.PolicyDocument.Statement.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('states:SendTask'))).map(
        (s: any) => ({
          statement: s,
          roles: JSON.stringify(p.Properties.Roles),
        }),
      ),
    );
    expect(resumers.map((r) => r.roles.match(/Functions(\w+?)ServiceRole/)![1]).sort()).toEqual([
      'patientAction',
      'provideInformation',
      'staffTimetable',
      'taskDecision',
    ]);
    const [machineId] = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
    for (const { statement } of resumers) {
      expect(statement.Action).toBe('states:SendTaskSuccess');
      expect(statement.Resource).toEqual({ Ref: machineId });
    }
  });

  it('lets only the intakes (API, FHIR and self-referral form), the stalled-referral schedule and a workspace retry start executions', () => {
    const starters = resources('AWS::IAM::Policy').filter((p) =>
      p.Properties.PolicyDocument.Statement.some((s: any) => [s.Action].flat().includes('states:StartExecution')),
    );
    expect(starters.map((p) => JSON.stringify(p.Properties.Roles).match(/Functions(\w+?)ServiceRole/)![1]).sort()).toEqual([
      'createReferral',
      'fhirProcessMessage',
      'selfReferral',
      'staffWorkspace',
      'startStalledReferrals',
    ]);
    const schedules = resources('AWS::Events::Rule').map((r) => r.Properties.ScheduleExpression);
    expect(schedules).toContain('rate(15 minutes)');
  });

  describe('Status sent back (referrer callbacks)', () => {
    const logicalId = (type: string, prefix: string) => Object.keys(template.findResources(type)).find((id) => id.startsWith(prefix))!;
    const functionId = (name: string) => logicalId('AWS::Lambda::Function', `Functions${name}`);

    it('streams every write with the item before and after, from the table definition', () => {
      const [table] = resources('AWS::DynamoDB::GlobalTable');
      expect(table!.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    });

    it('queues status changes encrypted with the service key, over TLS only, with a dead-letter queue after 13 receives', () => {
      const key = logicalId('AWS::KMS::Key', 'DataKey');
      const deadLetters = logicalId('AWS::SQS::Queue', 'CallbacksDeadLetters');
      template.hasResourceProperties('AWS::SQS::Queue', {
        KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
        VisibilityTimeout: 120,
        // Longer than the 25.8-hour schedule: SQS never drops a message still being tried.
        MessageRetentionPeriod: Match.anyValue(),
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters, 'Arn'] }, maxReceiveCount: 13 },
      });
      const queue = resources('AWS::SQS::Queue').find((q) => q.Properties.RedrivePolicy)!;
      expect(queue.Properties.MessageRetentionPeriod).toBeGreaterThan(26 * 3600);
      template.hasResourceProperties('AWS::SQS::Queue', {
        KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
        MessageRetentionPeriod: 14 * 86_400,
      });
      const tlsOnly = resources('AWS::SQS::QueuePolicy').filter((p) =>
        p.Properties.PolicyDocument.Statement.some(
          (s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
        ),
      );
      expect(tlsOnly).toHaveLength(2);
    });

    it('feeds the stream to the capture function, filtered to referrals of clients with a callback', () => {
      const mapping = resources('AWS::Lambda::EventSourceMapping').find((m) =>
        JSON.stringify(m.Properties.EventSourceArn).includes('StreamArn'),
      )!;
      expect(mapping.Properties.FunctionName).toEqual({ Ref: functionId('captureStatusChanges') });
      expect(mapping.Properties).toMatchObject({ StartingPosition: 'TRIM_HORIZON', BisectBatchOnFunctionError: true });
      const pattern = JSON.stringify(mapping.Properties.FilterCriteria);
      expect(pattern).toContain('META');
      expect(pattern).toContain('clientId');
      // The client id is the Cognito app client's, resolved at deployment.
      expect(pattern).toContain(logicalId('AWS::Cognito::UserPoolClient', 'ApiReferrerClientemisp81001'));
    });

    it('delivers from the queue and puts dead letters before staff, reporting failed items one by one', () => {
      const mappings = resources('AWS::Lambda::EventSourceMapping');
      for (const [name, queuePrefix] of [
        ['deliverCallbacks', 'CallbacksQueue'],
        ['callbackFailed', 'CallbacksDeadLetters'],
      ] as const) {
        const mapping = mappings.find((m) => JSON.stringify(m.Properties.FunctionName) === JSON.stringify({ Ref: functionId(name) }))!;
        expect(mapping.Properties, name).toMatchObject({
          EventSourceArn: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', queuePrefix), 'Arn'] },
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          BatchSize: 10,
        });
      }
    });

    it('keeps each callback secret in Secrets Manager, generated there, never in the template, and outputs its ARN', () => {
      const [secret] = Object.entries(template.findResources('AWS::SecretsManager::Secret')).filter(([id]) =>
        id.startsWith('CallbacksSecret'),
      );
      expect(secret).toBeDefined();
      expect(secret![1].Properties.GenerateSecretString).toBeDefined();
      expect(secret![1].Properties.SecretString).toBeUndefined();
      expect(Object.keys(template.findOutputs('*')).some((id) => id.startsWith('ReferrerCallbackSecretArn'))).toBe(true);
      // The registry the functions read names the secret's ARN, never its value.
      const [deliver] = resources('AWS::Lambda::Function').filter((f) => f.Properties.Description?.startsWith('The callback queue'));
      const registry = JSON.stringify(deliver!.Properties.Environment.Variables.REFERRER_CALLBACKS);
      expect(registry).toContain('https://gp-system.example.com/msk/status');
      expect(registry).toContain(secret![0]);
    });
  });
});
