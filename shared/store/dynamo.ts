/**
 * The DynamoDB document client. Endpoint, region and credentials come from the SDK's own
 * environment (AWS_ENDPOINT_URL_DYNAMODB points it at DynamoDB Local), so no code differs locally.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';

import { config } from '../config.js';
import { isNetworkFailure } from '../network.js';
import { BusyError, ConcurrentChangeError, UnavailableError } from './errors.js';

let client: DynamoDBDocumentClient | undefined;

/**
 * Each attempt gives up after 2 s without a connection or 5 s without an answer (the SDK's own
 * default is to wait for 5 minutes): with its three attempts, an unreachable table is answered
 * within about 16 s, before the functions' 20 s timeout, so that a client is told to retry.
 */
const TIMEOUTS = { connectionTimeout: 2_000, requestTimeout: 5_000, throwOnRequestTimeout: true };

export function documentClient(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(new DynamoDBClient({ requestHandler: TIMEOUTS }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return client;
}

/** DynamoDB's words for "busy" (throttled, or colliding with a transaction) once the SDK's retries are spent. */
const BUSY = new Set([
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'TransactionConflictException',
]);

/** DynamoDB saying it cannot serve (HTTP 500, 503) once the SDK's retries are spent. */
const NOT_SERVING = new Set(['InternalServerError', 'ServiceUnavailable']);
/**
 * Sends a command, answering DynamoDB's "busy" errors as BusyError and an unreachable or failing
 * DynamoDB as UnavailableError, so that nothing above the store knows DynamoDB's error names or
 * Node's network codes. Every store function sends through here.
 */
export const send = ((command: Parameters<DynamoDBDocumentClient['send']>[0]) =>
  documentClient()
    .send(command)
    .catch((error: unknown) => {
      const name = (error as Error)?.name;
      if (BUSY.has(name)) throw new BusyError(`DynamoDB is busy (${name})`, { cause: error });
      if (NOT_SERVING.has(name) || isNetworkFailure(error))
        throw new UnavailableError(`DynamoDB is unavailable (${(error as { code?: string }).code ?? name})`, { cause: error });
      throw error;
    })) as DynamoDBDocumentClient['send'];

export function tableName(): string {
  return config().TABLE_NAME;
}

/** Every page of a query, one after another. */
export async function* queryPages(input: QueryCommandInput): AsyncGenerator<Record<string, unknown>[]> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await send(new QueryCommand({ ...input, ExclusiveStartKey }));
    yield page.Items ?? [];
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/** Whether a single conditional write went through (false: its condition did not hold). */
export async function conditionHeld(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if ((error as Error)?.name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** What DynamoDB could not take in a batch is sent again, with back-off, a few times; then BusyError. */
async function untilAllTaken<T>(what: string, first: T[], send1: (pending: T[]) => Promise<T[]>): Promise<void> {
  let pending = first;
  for (let attempt = 0; pending.length; attempt++) {
    if (attempt === 5) throw new BusyError(`${what}: ${pending.length} not taken`);
    pending = await send1(pending);
    if (pending.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
  }
}

/** Items by key, 100 to a request (BatchGet's limit), unprocessed keys read again. Order is not kept. */
export async function batchGet(keyList: Record<string, unknown>[], options: { consistent?: boolean } = {}) {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keyList.length; i += 100) {
    await untilAllTaken('batch read', keyList.slice(i, i + 100), async (Keys) => {
      const result = await send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys, ConsistentRead: options.consistent } } }));
      items.push(...(result.Responses?.[tableName()] ?? []));
      return result.UnprocessedKeys?.[tableName()]?.Keys ?? [];
    });
  }
  return items;
}

/** Puts items, 25 to a request (BatchWrite's limit), unprocessed ones sent again. */
export async function batchPut(items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    await untilAllTaken(
      'batch write',
      items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
      async (requests) => {
        const result = await send(new BatchWriteCommand({ RequestItems: { [tableName()]: requests } }));
        return (result.UnprocessedItems?.[tableName()] ?? []) as typeof requests;
      },
    );
  }
}

/** Forget the client (tests that change the endpoint). */
export function resetDocumentClient(): void {
  client = undefined;
}

/** Was this transaction cancelled because the condition on item `index` failed? */
type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;
type TransactItem = TransactItems[number];

/** What a failed condition on an item means, said by the store function that made the item. */
const meanings = new WeakMap<TransactItem, () => Error>();

/** Marks `item` so that its condition failing in a transaction raises `error()`. */
export function onConditionFailed<T extends TransactItem>(item: T, error: () => Error): T {
  meanings.set(item, error);
  return item;
}

/**
 * A failed transaction as the store's own error, by the item that failed, never by its position:
 * an item marked with onConditionFailed raises its error; any other failed condition, or a
 * conflict with a concurrent transaction, is a ConcurrentChangeError; throttling is BusyError.
 * Anything else is returned as it was.
 */
export function transactionFailure(error: unknown, items: TransactItems, what: string): unknown {
  if ((error as Error)?.name !== 'TransactionCanceledException') return error;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  const failed = items.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed');
  // An unmarked item failing (the referral's version, its event) outranks a marked one: a retry
  // after reading again sees the marked item's state too.
  const unmarked = failed.find((item) => !meanings.has(item));
  if (unmarked) return new ConcurrentChangeError(`${what} changed meanwhile`);
  if (failed.length) return meanings.get(failed[0]!)!();
  if (reasons.some((r) => r.Code === 'TransactionConflict'))
    return new ConcurrentChangeError(`${what} was being changed by another writer`);
  if (reasons.some((r) => r.Code === 'ThrottlingError' || r.Code === 'ProvisionedThroughputExceeded'))
    return new BusyError(`${what}: throttled`);
  return error;
}
