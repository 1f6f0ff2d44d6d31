/** The intake handler against mocked AWS clients: what it writes, what it starts, what it refuses. */
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { handler } from '../../functions/create-referral/handler.js';
import { resetConfig } from '../../shared/config.js';
import { resetAdapters } from '../../shared/ports/index.js';
import { resetDocumentClient } from '../../shared/store/dynamo.js';
import { apiEvent, context } from '../support/api-event.js';
import { validReferral, withPatient } from '../support/fixtures.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);

beforeEach(() => {
  Object.assign(process.env, {
    TABLE_NAME: 'referrals-test',
    STATE_MACHINE_ARN: 'arn:aws:states:eu-west-2:123456789012:stateMachine:referral',
    AWS_REGION: 'eu-west-2',
  });
  resetConfig();
  resetDocumentClient();
  resetAdapters();
  dynamo.reset();
  sfn.reset();
  dynamo.on(TransactWriteCommand).resolves({});
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:execution' });
});

describe('POST /referrals handler', () => {
  it('stores the referral, its first event and the idempotency claim in one transaction, then starts one execution named after it', async () => {
    const response = await handler(
      apiEvent({ body: validReferral(), headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'k-1' } }),
      context(),
    );
    expect(response.statusCode).toBe(201);
    const body = JSON.parse(response.body);
    expect(body.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(response.headers?.Location).toBe(`/referrals/${body.id}`);

    const writes = dynamo.commandCalls(TransactWriteCommand);
    expect(writes).toHaveLength(1);
    const items = writes[0]!.args[0].input.TransactItems!;
    expect(items.map((i) => i.Put?.Item?.sk)).toEqual(['META', expect.stringMatching(/^EVENT#/), 'IDEMPOTENCY']);
    expect(items[0]!.Put!.Item).toMatchObject({ pk: `REFERRAL#${body.id}`, status: 'received', clientId: 'gp-system-1' });
    expect(items[0]!.Put!.Item!.patient.mobile).toBe('+447700900123');

    const starts = sfn.commandCalls(StartExecutionCommand);
    expect(starts).toHaveLength(1);
    expect(starts[0]!.args[0].input).toMatchObject({ name: body.id, input: JSON.stringify({ referralId: body.id }) });
  });

  it('puts no patient data into the execution input', async () => {
    await handler(apiEvent({ body: validReferral() }), context());
    const input = sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!;
    expect(Object.keys(JSON.parse(input))).toEqual(['referralId']);
  });

  it('treats an execution that already exists as started (a retry after a crash)', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const response = await handler(apiEvent({ body: validReferral() }), context());
    expect(response.statusCode).toBe(201);
  });

  it('replays an Idempotency-Key with the same body: same referral, no new write, workflow start re-asserted', async () => {
    const first = await handler(
      apiEvent({ body: validReferral(), headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'k-2' } }),
      context(),
    );
    const firstItems = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    const stored = firstItems[0]!.Put!.Item!;
    const claim = firstItems[2]!.Put!.Item!;

    const cancelled = Object.assign(new Error('cancelled'), {
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
    });
    dynamo.on(TransactWriteCommand).rejects(cancelled);
    dynamo.on(GetCommand, { Key: { pk: claim.pk, sk: 'IDEMPOTENCY' } }).resolves({ Item: claim });
    dynamo.on(GetCommand, { Key: { pk: stored.pk, sk: 'META' } }).resolves({ Item: stored });

    const again = await handler(
      apiEvent({ body: validReferral(), headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'k-2' } }),
      context(),
    );
    expect(again.statusCode).toBe(201);
    expect(JSON.parse(again.body).id).toBe(JSON.parse(first.body).id);
    expect(again.headers?.['Idempotent-Replayed']).toBe('true');
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual([stored.id, stored.id]);
  });

  it('refuses the same Idempotency-Key with a different body (422)', async () => {
    const cancelled = Object.assign(new Error('cancelled'), {
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
    });
    dynamo.on(TransactWriteCommand).rejects(cancelled);
    dynamo.on(GetCommand).resolves({ Item: { referralId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', requestHash: 'something-else' } });
    const response = await handler(
      apiEvent({ body: validReferral(), headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'k-3' } }),
      context(),
    );
    expect(response.statusCode).toBe(422);
    expect(JSON.parse(response.body).error).toBe('idempotency_key_reused');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it.each([
    ['no authorizer claims', 401, apiEvent({ body: validReferral(), clientId: null })],
    ['a form-encoded body', 415, apiEvent({ body: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })],
    ['no content type', 415, apiEvent({ body: validReferral(), headers: {} })],
    ['a body over 64 KB', 413, apiEvent({ body: { ...validReferral(), pad: 'x'.repeat(70_000) } })],
    ['malformed JSON', 400, apiEvent({ body: '{"source": "gp",' })],
    ['an invalid NHS number', 400, apiEvent({ body: withPatient({ nhsNumber: '9434765918' }) })],
    [
      'a bad Idempotency-Key',
      400,
      apiEvent({ body: validReferral(), headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'has space' } }),
    ],
  ])('answers %s with %i and writes nothing', async (_, status, event) => {
    const response = await handler(event, context());
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body).error).toEqual(expect.any(String));
    expect(dynamo.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('answers an unexpected failure with a 500, and neither it nor the log repeats request data', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejects(Object.assign(new Error('One or more parameter values were invalid: 9434765919'), { name: 'ValidationException' }));
    const written: string[] = [];
    const capture = (chunk: unknown) => (written.push(String(chunk)), true);
    const spies = [
      vi.spyOn(process.stdout, 'write').mockImplementation(capture),
      vi.spyOn(process.stderr, 'write').mockImplementation(capture),
    ];
    try {
      const response = await handler(apiEvent({ body: validReferral() }), context());
      expect(response.statusCode).toBe(500);
      expect(response.body).not.toContain('9434765919');
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const log = written.join('');
    expect(log).toContain('ValidationException');
    expect(log).not.toContain('9434765919');
  });

  it.each([
    ['ProvisionedThroughputExceededException', {}, 'service_busy'],
    ['TransactionCanceledException', { CancellationReasons: [{ Code: 'TransactionConflict' }] }, 'service_busy'],
    ['InternalServerError', {}, 'service_unavailable'],
    // Unreachable: the SDK's errors as they come (connection refused, its timeouts, a reset wrapped as a cause).
    ['Error', { code: 'ECONNREFUSED', $metadata: { attempts: 3 } }, 'service_unavailable'],
    ['TimeoutError', { code: 'ETIMEDOUT' }, 'service_unavailable'],
    ['Error', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }, 'service_unavailable'],
  ])('answers DynamoDB %s %o (after the SDK retries) with 503 and Retry-After, not a 500', async (name, extra, code) => {
    dynamo.on(TransactWriteCommand).rejects(Object.assign(new Error('busy'), { name, ...extra }));
    const response = await handler(apiEvent({ body: validReferral() }), context());
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'Retry-After': '5' });
    expect(JSON.parse(response.body)).toMatchObject({ error: code });
    expect(sfn.calls()).toHaveLength(0);
  });
});
