/**
 * The store turns DynamoDB's failures into its own errors: a cancelled transaction by the item that
 * failed, throttling as BusyError, an unreachable or failing DynamoDB as UnavailableError.
 */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, vi } from 'vitest';

import { freePort, LOCAL_AWS_ENV } from '../../local/dynamodb-local.js';
import { onConditionFailed, resetDocumentClient, transactionFailure } from '../../shared/store/dynamo.js';
import { BusyError, ConcurrentChangeError, SlotTakenError, UnavailableError } from '../../shared/store/errors.js';
import { getReferral } from '../../shared/store/referrals.js';

const cancelled = (...codes: string[]) =>
  Object.assign(new Error('Transaction cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
const update = (pk: string) => ({ Update: { TableName: 't', Key: { pk, sk: 'X' }, UpdateExpression: 'SET a = :a' } });

describe('transactionFailure', () => {
  it('names the slot by its item wherever it stands in the transaction (a note before it moves it)', () => {
    const slot = onConditionFailed(update('SLOT#a'), () => new SlotTakenError('a'));
    const withoutNote = [update('REFERRAL#1'), update('EVENT'), slot];
    const withNote = [update('REFERRAL#1'), update('EVENT'), update('NOTE'), slot];
    expect(transactionFailure(cancelled('None', 'None', 'ConditionalCheckFailed'), withoutNote, 'r')).toBeInstanceOf(SlotTakenError);
    expect(transactionFailure(cancelled('None', 'None', 'None', 'ConditionalCheckFailed'), withNote, 'r')).toBeInstanceOf(SlotTakenError);
    // The old rule (position 2) would have called the note's success a taken slot, and missed this one.
    expect(transactionFailure(cancelled('None', 'None', 'None', 'ConditionalCheckFailed'), withNote, 'r')).not.toBeInstanceOf(
      ConcurrentChangeError,
    );
  });

  it('reports the referral changing first when both it and the slot failed (a re-read shows both)', () => {
    const slot = onConditionFailed(update('SLOT#a'), () => new SlotTakenError('a'));
    const failure = transactionFailure(
      cancelled('ConditionalCheckFailed', 'None', 'ConditionalCheckFailed'),
      [update('R'), update('E'), slot],
      'r',
    );
    expect(failure).toBeInstanceOf(ConcurrentChangeError);
  });

  it('calls a conflict with a concurrent transaction a concurrent change, and throttling busy', () => {
    expect(transactionFailure(cancelled('TransactionConflict', 'None'), [update('R'), update('E')], 'r')).toBeInstanceOf(
      ConcurrentChangeError,
    );
    expect(transactionFailure(cancelled('ThrottlingError', 'None'), [update('R'), update('E')], 'r')).toBeInstanceOf(BusyError);
  });

  it('passes any other error through as it was', () => {
    const other = Object.assign(new Error('no table'), { name: 'ResourceNotFoundException' });
    expect(transactionFailure(other, [update('R')], 'r')).toBe(other);
  });
});

describe('every store read and write', () => {
  process.env.TABLE_NAME ??= 'unit';

  it.each(['ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'ThrottlingException', 'TransactionConflictException'])(
    'answers DynamoDB %s (after the SDK retries) as BusyError, keeping the original as its cause',
    async (name) => {
      const dynamo = mockClient(DynamoDBDocumentClient);
      try {
        dynamo.on(GetCommand).rejects(Object.assign(new Error('busy'), { name }));
        const error = await getReferral('MSK-BUSY').catch((e: Error) => e);
        expect(error).toBeInstanceOf(BusyError);
        expect(((error as Error).cause as Error).name).toBe(name);
      } finally {
        dynamo.restore();
      }
    },
  );

  it.each([
    ['connection refused', { code: 'ECONNREFUSED' }],
    ['connection reset', { code: 'ECONNRESET' }],
    ['a name that does not resolve', { code: 'ENOTFOUND' }],
    ["the SDK's connection or request timeout", { name: 'TimeoutError' }],
    ['a network error wrapped as a cause', { cause: Object.assign(new Error('socket hang up'), { code: 'EPIPE' }) }],
    ['DynamoDB answering 500', { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } }],
    ['DynamoDB answering 503', { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }],
  ])('answers %s (after the SDK retries) as UnavailableError, keeping the original as its cause', async (_, fields) => {
    const dynamo = mockClient(DynamoDBDocumentClient);
    try {
      const original = Object.assign(new Error('unreachable'), fields);
      dynamo.on(GetCommand).rejects(original);
      const error = await getReferral('MSK-DOWN').catch((e: Error) => e);
      expect(error).toBeInstanceOf(UnavailableError);
      expect((error as Error).name).toBe('Unavailable');
      expect((error as Error).cause).toBe(original);
    } finally {
      dynamo.restore();
    }
  });

  it('answers a DynamoDB endpoint that refuses connections as UnavailableError, on the wire, within a second', async () => {
    // Prepare: nothing listens on this port.
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', `http://127.0.0.1:${await freePort()}`);
    for (const [name, value] of Object.entries(LOCAL_AWS_ENV)) vi.stubEnv(name, value);
    resetDocumentClient();
    try {
      // Act
      const started = Date.now();
      const error = await getReferral('MSK-NOBODY-HOME').catch((e: Error) => e);
      // Assess: the SDK tried three times, then the store said what it means.
      expect(error).toBeInstanceOf(UnavailableError);
      expect((error as Error).message).toContain('ECONNREFUSED');
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      vi.unstubAllEnvs();
      resetDocumentClient();
    }
  });

  it('lets other errors through as they are', async () => {
    const dynamo = mockClient(DynamoDBDocumentClient);
    try {
      dynamo.on(GetCommand).rejects(Object.assign(new Error('bad'), { name: 'ValidationException' }));
      await expect(getReferral('MSK-BAD')).rejects.toMatchObject({ name: 'ValidationException' });
    } finally {
      dynamo.restore();
    }
  });
});
