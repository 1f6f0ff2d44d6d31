/**
 * Least privilege, held both ways. infra/permissions.ts says what each function may do; here the
 * synthesized roles must hold exactly that (no more: an extra action fails), and each entry must
 * be what the function's code can call (read from the code by test/support/aws-calls.ts), so that
 * a grant the code no longer needs fails as surely as a call nobody granted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Template } from 'aws-cdk-lib/assertions';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

import { Data } from '../infra/constructs/data.js';
import { type Capability, type FunctionPermissions, functionPermissions, type Partition, resumers } from '../infra/permissions.js';
import { REPO_ROOT } from '../local/runtime.js';
import { type FunctionName, lambdaFunctions } from '../shared/functions.js';
import { routes } from '../shared/routes.js';
import { keys, referralTable } from '../shared/tables.js';
import { AwsCallAnalysis, type CodeCalls, partitionOf, UNTRACED_WRITES } from './support/aws-calls.js';
import { exampleApp, exampleStack } from './support/cdk-context.js';
import { sources } from './support/sources.js';

/**
 * Each port method the code may call: the capability that grants it (none: it needs no IAM), and
 * the AWS SDK command its AWS adapter sends.
 */
const PORT_CALLS: Record<string, { capability?: Capability; command?: string }> = {
  'Workflow.startReferralWorkflow': { capability: 'start-workflow', command: 'StartExecutionCommand' },
  'Workflow.retryReferralWorkflow': { capability: 'start-workflow', command: 'StartExecutionCommand' },
  'Workflow.sendTaskSuccess': { capability: 'resume-workflow', command: 'SendTaskSuccessCommand' },
  'Notifier.sendSms': { capability: 'sms', command: 'PublishCommand' },
  'Notifier.isOptedOut': { capability: 'sms-opt-out', command: 'CheckIfPhoneNumberIsOptedOutCommand' },
  'Notifier.sendStaffEmail': { capability: 'staff-email', command: 'PublishCommand' },
  'Notifier.sendEmail': { capability: 'referrer-email', command: 'SendEmailCommand' },
  'LinkKeys.keyring': { capability: 'link-secret', command: 'GetSecretValueCommand' },
  'CallbackQueue.enqueue': { capability: 'callback-queue', command: 'SendMessageBatchCommand' },
  'CallbackQueue.retryAfter': { capability: 'callback-retry', command: 'ChangeMessageVisibilityCommand' },
  'ReferrerCallbacks.secretFor': { capability: 'callback-secret', command: 'GetSecretValueCommand' },
  // The registry is configuration (REFERRER_CALLBACKS): no AWS call.
  'ReferrerCallbacks.callbackFor': {},
  // aws-jwt-verify checks tokens against the staff pool's public keys, fetched over HTTPS: no IAM.
  'StaffIdentity.verify': {},
};

/** What an entry of infra/permissions.ts means in IAM: one line per action, resource and condition. */
function expectedGrants(may: FunctionPermissions): string[] {
  const grants = ['xray:PutTelemetryRecords on *', 'xray:PutTraceSegments on *']; // Tracing.ACTIVE
  for (const action of may.read ?? []) grants.push(`dynamodb:${action} on table`);
  for (const target of may.query ?? []) grants.push(`dynamodb:Query on ${target === 'table' ? 'table' : `table/index/${target}`}`);
  const writes = Object.entries(may.write ?? {}) as [string, Partition[]][];
  for (const [action, partitions] of writes)
    grants.push(`dynamodb:${action} on table if LeadingKeys ${partitions.map(Data.leadingKeyPattern).sort().join(',')}`);
  if (may.read?.length || may.query?.length || writes.length) {
    const keyActions = [
      'kms:Decrypt',
      'kms:DescribeKey',
      ...(writes.length ? ['kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'] : []),
    ];
    for (const action of keyActions) grants.push(`${action} on key via dynamodb`);
  }
  for (const capability of may.uses ?? []) {
    grants.push(
      ...{
        'start-workflow': ['states:StartExecution on state-machine'],
        'resume-workflow': ['states:SendTaskSuccess on state-machine'],
        sms: ['sns:Publish on *'],
        'sms-opt-out': ['sns:CheckIfPhoneNumberIsOptedOut on *'],
        'staff-email': ['sns:Publish on staff-topic x5', 'kms:Decrypt on key via sns', 'kms:GenerateDataKey* on key via sns'],
        'referrer-email': ['ses:SendEmail on ses-identity x2 if FromAddress msk.referrals@example.nhs.uk'],
        'link-secret': ['secretsmanager:GetSecretValue on link-secret', 'kms:Decrypt on key via secretsmanager'],
        'callback-queue': ['sqs:SendMessage on callback-queue', 'kms:Decrypt on key via sqs', 'kms:GenerateDataKey on key via sqs'],
        'callback-retry': ['sqs:ChangeMessageVisibility on callback-queue'],
        // The example context registers one referrer client's callback.
        'callback-secret': ['secretsmanager:GetSecretValue on callback-secret', 'kms:Decrypt on key via secretsmanager'],
      }[capability],
    );
  }
  // What the event source mapping's poller reads with the function's role.
  const consume = (queue: string) => [
    `sqs:DeleteMessage on ${queue}`,
    `sqs:GetQueueAttributes on ${queue}`,
    `sqs:ReceiveMessage on ${queue}`,
    'kms:Decrypt on key via sqs',
  ];
  if (may.triggeredBy)
    grants.push(
      ...{
        'table-stream': [
          'dynamodb:DescribeStream on table-stream',
          'dynamodb:GetRecords on table-stream',
          'dynamodb:GetShardIterator on table-stream',
          'dynamodb:ListStreams on *',
          'kms:Decrypt on key via dynamodb',
        ],
        'callback-queue': consume('callback-queue'),
        'callback-dead-letters': consume('callback-dead-letters'),
      }[may.triggeredBy],
    );
  return grants.sort();
}

let template: ReturnType<Template['toJSON']>;
let analysis: AwsCallAnalysis;

beforeAll(() => {
  template = Template.fromStack(exampleStack(exampleApp())).toJSON();
  analysis = new AwsCallAnalysis();
});

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };

/** The logical id of each function's role. */
const roleOf = (name: FunctionName): string => {
  const [, fn] = Object.entries(template.Resources as Record<string, any>).find(
    ([id, r]) => r.Type === 'AWS::Lambda::Function' && new RegExp(`^Functions${name}[0-9A-F]{8}$`).test(id),
  )!;
  return fn.Properties.Role['Fn::GetAtt'][0];
};

/** Every statement of the inline policies attached to a role. */
const statementsOf = (roleId: string): Statement[] =>
  Object.values(template.Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);

/** A resource as a word: the kind of the resource it names, and any path after it (`table/index/byStatus`). */
function describeResource(resource: unknown): string {
  if (resource === '*') return '*';
  const text = JSON.stringify(resource);
  if (text.includes(':identity/')) return 'ses-identity';
  if (text.includes('"StreamArn"')) return 'table-stream';
  const kinds: Record<string, string> = {
    'AWS::DynamoDB::GlobalTable': 'table',
    'AWS::KMS::Key': 'key',
    'AWS::StepFunctions::StateMachine': 'state-machine',
    'AWS::SNS::Topic': 'staff-topic',
    'AWS::SecretsManager::Secret': 'link-secret',
    'AWS::SQS::Queue': 'callback-queue',
  };
  const [id] = text.match(/"(?:Ref|Fn::GetAtt)":(?:\["|")(\w+)/)?.slice(1) ?? [];
  if (id?.startsWith('CallbacksSecret')) return 'callback-secret';
  if (id?.startsWith('CallbacksDeadLetters')) return 'callback-dead-letters';
  const kind = id && kinds[(template.Resources as Record<string, any>)[id]?.Type];
  if (!kind) throw new Error(`a grant on a resource this test does not know: ${text}`);
  return kind + (text.match(/"(\/index\/\w+)"/)?.[1] ?? '');
}

/** The grants a role holds, one line per action and resource kind, with the condition that narrows it. */
function heldGrants(roleId: string): string[] {
  const lines: string[] = [];
  for (const s of statementsOf(roleId).filter((s) => s.Effect === 'Allow')) {
    const resources = [s.Resource].flat().map(describeResource);
    const counted = [...new Set(resources)].map((r) => {
      const n = resources.filter((x) => x === r).length;
      return n > 1 ? `${r} x${n}` : r;
    });
    let condition = '';
    const leadingKeys = s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
    const viaService = s.Condition?.StringEquals?.['kms:ViaService'];
    const fromAddress = s.Condition?.StringEquals?.['ses:FromAddress'];
    if (leadingKeys) condition = ` if LeadingKeys ${[leadingKeys].flat().sort().join(',')}`;
    if (viaService) condition = ` via ${String(viaService).split('.')[0]}`;
    if (fromAddress) condition = ` if FromAddress ${String(fromAddress)}`;
    const known = [leadingKeys, viaService, fromAddress].filter(Boolean).length;
    if (Object.keys(s.Condition ?? {}).length !== known) throw new Error(`a condition this test does not know: ${JSON.stringify(s)}`);
    for (const action of [s.Action].flat()) for (const resource of counted) lines.push(`${action} on ${resource}${condition}`);
  }
  return lines.sort();
}

const names = Object.keys(lambdaFunctions) as FunctionName[];
const entry = (name: FunctionName): FunctionPermissions => functionPermissions[name];
const rolesWith = (action: string) => names.filter((name) => heldGrants(roleOf(name)).some((g) => g.startsWith(`${action} `)));

describe('Least privilege: the synthesized roles', () => {
  it.each(names)('%s holds exactly what infra/permissions.ts gives it', (name) => {
    const roleId = roleOf(name);
    expect(heldGrants(roleId)).toEqual(expectedGrants(entry(name)));
    const role = (template.Resources as Record<string, any>)[roleId];
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toMatch(/service-role\/AWSLambdaBasicExecutionRole"\]\]\}\]$/);
    expect(role.Properties.Policies).toBeUndefined();
  });

  it('grants functions nothing through resource policies (key, topic, secret): their roles say it all', () => {
    const roles = names.map(roleOf);
    const elsewhere = Object.entries(template.Resources as Record<string, any>).filter(
      ([, r]) =>
        r.Type !== 'AWS::IAM::Policy' &&
        r.Type !== 'AWS::Lambda::Function' &&
        roles.some((id) => JSON.stringify(r.Properties ?? {}).includes(`"${id}"`)),
    );
    expect(elsewhere.map(([id, r]) => `${id} (${r.Type})`)).toEqual([]);
  });

  it('lets no function Scan, and only the retention rule and the workspace (claims) delete', () => {
    expect(rolesWith('dynamodb:Scan')).toEqual([]);
    expect(rolesWith('dynamodb:DeleteItem').sort()).toEqual(['removePersonalData', 'staffWorkspace']);
    // BatchWriteItem takes no condition expression: only the access log's partitions, never a referral's.
    for (const name of rolesWith('dynamodb:BatchWriteItem'))
      expect(entry(name).write?.BatchWriteItem, name).toEqual(['ACCESS#REFERRAL#', 'ACCESS#USER#']);
    console.log(
      `IAM: Scan ${rolesWith('dynamodb:Scan').length} roles, DeleteItem ${rolesWith('dynamodb:DeleteItem').length}, ` +
        `BatchWriteItem ${rolesWith('dynamodb:BatchWriteItem').length}, UpdateItem ${rolesWith('dynamodb:UpdateItem').length}, ` +
        `Query ${rolesWith('dynamodb:Query').length} (of ${names.length})`,
    );
  });

  it('lets the functions behind link and public routes delete nothing, batch-write nothing, and write only where their step needs', () => {
    const exposed = [...new Set(routes.filter((r) => r.auth === 'link' || r.auth === 'public').map((r) => r.function))];
    expect(exposed.sort()).toEqual(['patientAction', 'patientPage', 'publicPages', 'selfReferral', 'staffSignIn']);
    for (const name of exposed) {
      const { DeleteItem, BatchWriteItem, UpdateItem } = entry(name).write ?? {};
      expect([DeleteItem, BatchWriteItem], name).toEqual([undefined, undefined]);
      // The public form only adds: a new referral, its first event and its idempotency key.
      if (name === 'selfReferral') expect(UpdateItem).toBeUndefined();
    }
    expect(entry('patientPage').write).toBeUndefined();
  });

  it('uses the data key only through DynamoDB, SNS, Secrets Manager or SQS, never directly', () => {
    for (const name of names) {
      for (const s of statementsOf(roleOf(name)).filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:'))))
        expect(String(s.Condition?.StringEquals?.['kms:ViaService']), `${name}: ${JSON.stringify(s)}`).toMatch(
          /^(dynamodb|sns|secretsmanager|sqs)\.eu-west-2\.amazonaws\.com$/,
        );
    }
  });

  it("lets only the functions that carry a person's answer or a change resume the workflow (the four the README names)", () => {
    // The README names these (Least privilege). staffTimetable wakes a workflow asleep until an appointment the clinic cancelled.
    expect([...resumers].sort()).toEqual(['patientAction', 'provideInformation', 'staffTimetable', 'taskDecision']);
    expect(rolesWith('states:SendTaskSuccess').sort()).toEqual([...resumers].sort());
  });
});

describe('Least privilege: what the code calls', () => {
  /** An entry of the table in the analysis' shape. */
  const asCalls = (may: FunctionPermissions) => ({
    read: [...(may.read ?? [])].sort(),
    query: [...(may.query ?? [])].sort(),
    write: Object.fromEntries(
      Object.entries(may.write ?? {})
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([action, partitions]) => [action, [...partitions].sort()]),
    ),
    scan: false,
    uses: [...(may.uses ?? [])].sort(),
  });
  const fromCode = (calls: CodeCalls) => {
    const unknown = calls.ports.filter((port) => !(port in PORT_CALLS));
    if (unknown.length) throw new Error(`port methods with no capability in PORT_CALLS: ${unknown.join(', ')}`);
    const uses = [...new Set(calls.ports.flatMap((port) => PORT_CALLS[port]!.capability ?? []))].sort();
    return { read: calls.read, query: calls.query, write: calls.write, scan: calls.scan, uses };
  };

  it.each(names)('%s is granted what its code can call, and nothing it cannot', (name) => {
    const calls = analysis.callsOf(name);
    const how = calls.ports.map((port) => `${port}, called from:\n    ${analysis.explain(port).join('\n    ')}`).join('\n  ');
    expect(asCalls(entry(name)), `${name}: infra/permissions.ts against the code (expected), whose port calls are\n  ${how}\n`).toEqual(
      fromCode(calls),
    );
  });

  it('writes timeline events only as new items: a Put on condition that none is there (append-only in code; IAM cannot say it)', () => {
    const eventWrites = new Set(names.flatMap((name) => analysis.callsOf(name).eventWrites));
    expect(eventWrites.size).toBeGreaterThan(0);
    for (const write of eventWrites) expect(write).toMatch(/^PutItem if attribute_not_exists\(pk\) at shared\/store\//);
  });

  it('follows every method of a human step that some function calls (only the local runtime resumes steps)', () => {
    for (const name of names) analysis.callsOf(name);
    const neverCalled = [...analysis.deferredEverywhere].filter(([, followed]) => !followed).map(([member]) => member.getText());
    // `waits.resumeInput` is read by the local runtime (re-entering executions after a restart) and by a person's retry.
    expect(neverCalled).toEqual([]);
  });

  it("knows each port's AWS call: the adapter method sends the command its capability grants, and nothing else", () => {
    const sent = new Map<string, string[]>();
    for (const file of sources('shared/ports')) {
      const source = ts.createSourceFile(file, readFileSync(join(REPO_ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true);
      const visit = (node: ts.Node, method?: string) => {
        const name =
          (ts.isMethodDeclaration(node) || ts.isPropertyAssignment(node)) && ts.isIdentifier(node.name) ? node.name.text : method;
        if (ts.isNewExpression(node) && /Command$/.test(node.expression.getText()))
          sent.set(name!, [...(sent.get(name!) ?? []), node.expression.getText().replace(/^sdk\./, '')]);
        ts.forEachChild(node, (child) => visit(child, name));
      };
      visit(source);
    }
    const expected = new Map(
      Object.entries(PORT_CALLS).flatMap(([port, { command }]) => (command ? [[port.split('.')[1]!, [command]]] : [])),
    );
    expect(Object.fromEntries(sent)).toEqual(Object.fromEntries(expected));
  });

  it('finds every AWS call: the SDK is imported only by the ports (their adapters) and the store (DynamoDB commands)', () => {
    const importers = [...sources('shared'), ...sources('functions')].flatMap((file) =>
      [...readFileSync(join(REPO_ROOT, file), 'utf8').matchAll(/^import (?!type ).*from '(@aws-sdk\/[\w-]+)'/gm)].map(
        ([, module]) => `${file.split('/').slice(0, 2).join('/')} ${module}`,
      ),
    );
    for (const imported of new Set(importers))
      expect(imported).toMatch(
        /^shared\/ports |^shared\/store (@aws-sdk\/lib-dynamodb|@aws-sdk\/client-dynamodb|@aws-sdk\/util-dynamodb)$/,
      );
  });

  it('reads partitions and indexes that exist', () => {
    const partitions = new Set(Object.keys(keys).flatMap((builder) => partitionOf(builder) ?? []));
    const indexes = new Set<string>(['table', ...referralTable.indexes.map((i) => i.indexName)]);
    for (const name of names) {
      for (const target of entry(name).query ?? []) expect(indexes, name).toContain(target);
      for (const list of Object.values(entry(name).write ?? {})) for (const p of list) expect(partitions, name).toContain(p);
    }
    for (const { partitions: untraced } of Object.values(UNTRACED_WRITES)) for (const p of untraced) expect(partitions).toContain(p);
  });
});
