/**
 * Referral persistence. Every change to a referral is one transaction: the META item is updated
 * on condition of the version the writer read, and the event describing the change is appended
 * with it. So the timeline can never disagree with the state, and two writers cannot both win.
 */
import {
  GetCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

import type { Referral, ReferralEvent } from '../domain/referral.js';
import type { ReferralStatus } from '../domain/vocabulary.js';
import { keys } from '../tables.js';
import { batchGet, conditionHeld, queryPages, send, tableName, transactionFailure } from './dynamo.js';
import { ConcurrentChangeError, IdempotencyConflictError, ReferralNotFoundError } from './errors.js';

export interface IdempotencyClaim {
  key: string;
  requestHash: string;
  expiresAt: number;
}

function eventItem(referralId: string, version: number, event: ReferralEvent) {
  return { ...keys.event(referralId, event.at, version), entity: 'event', referralId, ...event };
}

function noteItems(referralId: string, version: number, change: ReferralChange): TransactItem[] {
  const text = Object.fromEntries(Object.entries(change.note ?? {}).filter(([, v]) => v));
  if (!Object.keys(text).length) return [];
  const Item = { ...keys.note(referralId, change.event.at, version), entity: 'note', referralId, text };
  return [{ Put: { TableName: tableName(), Item } }];
}

function metaItem(referral: Referral) {
  return {
    ...keys.referral(referral.id),
    entity: 'referral',
    ...keys.byStatus(referral.status, referral.receivedAt, referral.id),
    ...keys.byPractice(referral.referrer?.odsCode, referral.receivedAt, referral.id),
    ...(referral.patient ? keys.byNhsNumber(referral.patient.nhsNumber, referral.id) : {}),
    ...referral,
  };
}

function toReferral(item: Record<string, unknown>): Referral {
  const { pk, sk, entity, gsi1pk, gsi1sk, gsi2pk, gsi2sk, gsi4pk, gsi4sk, ...referral } = item;
  return referral as unknown as Referral;
}

/**
 * Stores a new referral with its first event and, when given, claims its Idempotency-Key: all or
 * nothing. A key already claimed raises IdempotencyConflictError telling whether the earlier
 * request was the same one (a retry) or a different one (a client bug).
 */
export async function createReferral(referral: Referral, event: ReferralEvent, idempotency?: IdempotencyClaim): Promise<void> {
  const TableName = tableName();
  const items = [
    { Put: { TableName, Item: metaItem(referral), ConditionExpression: 'attribute_not_exists(pk)' } },
    { Put: { TableName, Item: eventItem(referral.id, referral.version, event), ConditionExpression: 'attribute_not_exists(pk)' } },
  ];
  if (idempotency) {
    items.push({
      Put: {
        TableName,
        Item: {
          ...keys.idempotency(referral.clientId, idempotency.key),
          entity: 'idempotency',
          referralId: referral.id,
          requestHash: idempotency.requestHash,
          expiresAt: idempotency.expiresAt,
        },
        // An expired key (TTL deletes lazily) may be claimed again.
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
        ExpressionAttributeValues: { ':now': Math.floor(Date.parse(referral.receivedAt) / 1000) },
      } as never,
    });
  }
  try {
    await send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    const failure = transactionFailure(error, items, `referral ${referral.id}`);
    // The key's claim failed, or collided with a concurrent claim of it: whose is it?
    if (idempotency && failure instanceof ConcurrentChangeError) {
      const existing = await findIdempotencyClaim(referral.clientId, idempotency.key);
      if (existing) throw new IdempotencyConflictError(existing.referralId, existing.requestHash === idempotency.requestHash);
    }
    throw failure;
  }
}

export async function findIdempotencyClaim(
  clientId: string,
  key: string,
): Promise<{ referralId: string; requestHash: string } | undefined> {
  const result = await send(new GetCommand({ TableName: tableName(), Key: keys.idempotency(clientId, key), ConsistentRead: true }));
  return result.Item as { referralId: string; requestHash: string } | undefined;
}

export async function getReferral(id: string): Promise<Referral | undefined> {
  const result = await send(new GetCommand({ TableName: tableName(), Key: keys.referral(id), ConsistentRead: true }));
  return result.Item ? toReferral(result.Item) : undefined;
}

/** The referral a workflow step is about; ReferralNotFoundError if there is none. */
export async function loadReferral(id: string): Promise<Referral> {
  const referral = await getReferral(id);
  if (!referral) throw new ReferralNotFoundError(id);
  return referral;
}

/** The referral and its timeline, oldest event first. */
export async function getReferralWithTimeline(
  id: string,
): Promise<{ referral: Referral; timeline: ReferralEvent[]; noteKeys: { pk: string; sk: string }[] } | undefined> {
  const items: Record<string, unknown>[] = [];
  const query = { TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.referralPk(id) } };
  for await (const page of queryPages({ ...query, ConsistentRead: true })) items.push(...page);
  const meta = items.find((item) => item.sk === 'META');
  if (!meta) return undefined;
  // A note shares its event's sort key after the prefix.
  const notes = new Map(
    items.filter((item) => String(item.sk).startsWith('NOTE#')).map((item) => [String(item.sk).slice('NOTE#'.length), item.text]),
  );
  const timeline = items
    .filter((item) => typeof item.sk === 'string' && item.sk.startsWith('EVENT#'))
    .map(({ sk, type, at, actor, detail }) => {
      const note = notes.get(String(sk).slice('EVENT#'.length)) as Record<string, string> | undefined;
      return { type, at, actor, detail, ...(note ? { note } : {}) } as ReferralEvent;
    });
  return {
    referral: toReferral(meta),
    timeline,
    noteKeys: [...notes.keys()].map((suffix) => ({ pk: keys.referralPk(id), sk: `NOTE#${suffix}` })),
  };
}

/** Timelines read at once: enough to be quick, few enough not to throttle the table. */
const PARALLEL_READS = 16;

/** Referrals with their timelines, 16 at a time; an id with no referral is left out. */
export async function getReferralsWithTimelines(ids: readonly string[]): Promise<{ referral: Referral; timeline: ReferralEvent[] }[]> {
  const records: { referral: Referral; timeline: ReferralEvent[] }[] = [];
  for (let i = 0; i < ids.length; i += PARALLEL_READS) {
    const loaded = await Promise.all(ids.slice(i, i + PARALLEL_READS).map((id) => getReferralWithTimeline(id)));
    for (const found of loaded) if (found) records.push({ referral: found.referral, timeline: found.timeline });
  }
  return records;
}

export interface ReferralChange {
  status?: ReferralStatus;
  /** Top-level attributes to set on the referral; `undefined` removes one. */
  set?: Partial<Omit<Referral, 'id' | 'version' | 'status'>>;
  event: ReferralEvent;
  /**
   * Free text that goes with the event (a clinician's reason, a referrer's answer). Stored beside
   * the event, not in it, so that events hold only codes and times and are never rewritten; the
   * timeline shows the note with its event until the retention rule removes it.
   */
  note?: Record<string, string | undefined>;
}

/** Another write that must commit or fail with the referral change (e.g. claiming a task). */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Applies a change to the referral as read at `expected.version`, with its event, in one
 * transaction (plus `alsoWrite`). Raises ConcurrentChangeError if someone else changed it (or an
 * `alsoWrite` item) first, the error an `alsoWrite` item was marked with (onConditionFailed, e.g.
 * SlotTakenError), or BusyError when DynamoDB throttles.
 */
export async function changeReferral(expected: Referral, change: ReferralChange, alsoWrite: TransactItem[] = []): Promise<Referral> {
  const version = expected.version + 1;
  const attributes: Record<string, unknown> = { ...change.set, version, updatedAt: change.event.at };
  if (change.status) Object.assign(attributes, { status: change.status }, keys.byStatus(change.status, expected.receivedAt, expected.id));
  // The patient's details removed (retention): their NHS number leaves the search index with them.
  if (change.set && 'patient' in change.set && change.set.patient === undefined)
    Object.assign(attributes, { gsi4pk: undefined, gsi4sk: undefined });
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':expected': expected.version };
  const assignments: string[] = [];
  const removals: string[] = [];
  Object.entries(attributes).forEach(([name, value], i) => {
    names[`#a${i}`] = name;
    if (value === undefined) return removals.push(`#a${i}`);
    values[`:v${i}`] = value;
    assignments.push(`#a${i} = :v${i}`);
  });
  const update = `SET ${assignments.join(', ')}${removals.length ? ` REMOVE ${removals.join(', ')}` : ''}`;
  const items: TransactItem[] = [
    {
      Update: {
        TableName: tableName(),
        Key: keys.referral(expected.id),
        UpdateExpression: update,
        ConditionExpression: 'version = :expected',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
    {
      Put: {
        TableName: tableName(),
        Item: eventItem(expected.id, version, change.event),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...noteItems(expected.id, version, change),
    ...alsoWrite,
  ];
  try {
    await send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    throw transactionFailure(error, items, `referral ${expected.id} (version ${expected.version})`);
  }
  const changed = { ...expected, ...(attributes as Partial<Referral>), version };
  for (const [name, value] of Object.entries(attributes)) if (value === undefined) delete (changed as Record<string, unknown>)[name];
  return changed;
}

/** What the byStatus index holds of a referral (fetch the referral itself for the rest). */
export type ReferralInStatus = Pick<Referral, 'id' | 'personalDataRemovedAt'>;

/**
 * Referrals in `status` that arrived in [from, before), oldest first, a page at a time (the
 * byStatus index; leave `from` out for "since the beginning").
 */
export async function* referralsInStatus(
  status: ReferralStatus,
  received: { from?: string; before: string },
): AsyncGenerator<ReferralInStatus[]> {
  const pages = queryPages({
    TableName: tableName(),
    IndexName: 'byStatus',
    // `<time>#<id>` sorts after `<time>`: a referral received exactly at `before` is left out.
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :before',
    ExpressionAttributeValues: { ':pk': keys.byStatus(status, '', '').gsi1pk, ':from': received.from ?? '0', ':before': received.before },
  });
  for await (const items of pages)
    yield items.map((item) => ({ id: String(item.id), personalDataRemovedAt: item.personalDataRemovedAt as string | undefined }));
}

/** A page cursor as referralPage wrote it; anything else (a made-up one) starts from the first page. */
function decodeCursor(after: string): Record<string, unknown> | undefined {
  try {
    const key = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as unknown;
    return key && typeof key === 'object' ? (key as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One page of the referrals in `status`, oldest first: up to `limit`, after the cursor `after`
 * (the last page's `next`). Worklists page through thousands this way, never scanning the table.
 */
export async function referralPage(
  status: ReferralStatus,
  { limit, after }: { limit: number; after?: string },
): Promise<{ ids: string[]; next?: string; oldest?: string }> {
  const result = await send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'byStatus',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.byStatus(status, '', '').gsi1pk },
      Limit: limit,
      ...(after ? { ExclusiveStartKey: decodeCursor(after) } : {}),
    }),
  );
  const next = result.LastEvaluatedKey ? Buffer.from(JSON.stringify(result.LastEvaluatedKey)).toString('base64url') : undefined;
  const items = result.Items ?? [];
  // The index's sort key starts with the arrival time.
  const oldest = items[0] ? String(items[0].gsi1sk).split('#')[0] : undefined;
  return { ids: items.map((item) => String(item.id)), next, oldest };
}

/** Referrals by id, in that order (missing ones left out): batches of 100, consistent reads. */
export async function getReferrals(ids: string[]): Promise<Referral[]> {
  const items = await batchGet(
    ids.map((id) => keys.referral(id)),
    { consistent: true },
  );
  const found = new Map(items.map((item) => [String(item.id), toReferral(item)]));
  return ids.flatMap((id) => found.get(id) ?? []);
}

/** The ids of referrals for a patient's NHS number (the byNhsNumber index), newest first. */
export async function referralIdsForNhsNumber(nhsNumber: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of queryPages({
    TableName: tableName(),
    IndexName: 'byNhsNumber',
    KeyConditionExpression: 'gsi4pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.byNhsNumber(nhsNumber, '').gsi4pk },
    ScanIndexForward: false,
  }))
    ids.push(...page.map((item) => String(item.gsi4sk)));
  return ids;
}

/**
 * Referrals stored before the byNhsNumber index existed, which a search by NHS number cannot find:
 * those with patient details and no index key. A scan, page by page: for the operator's one-off
 * backfill (`npm run backfill:nhs-index`), never for a request.
 */
export async function* referralsMissingNhsIndex(): AsyncGenerator<{ id: string; nhsNumber: string }[]> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await send(
      new ScanCommand({
        TableName: tableName(),
        FilterExpression: 'entity = :referral AND attribute_exists(patient.nhsNumber) AND attribute_not_exists(gsi4pk)',
        ProjectionExpression: 'id, patient.nhsNumber',
        ExpressionAttributeValues: { ':referral': 'referral' },
        ExclusiveStartKey,
      }),
    );
    yield (page.Items ?? []).map((item) => ({ id: String(item.id), nhsNumber: String(item.patient.nhsNumber) }));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/**
 * Adds a referral to the byNhsNumber index; false if it changed meanwhile (its patient details
 * removed by the retention rule, or already indexed). Not a referral change: no version, no event.
 */
export async function addToNhsIndex(id: string, nhsNumber: string): Promise<boolean> {
  const index = keys.byNhsNumber(nhsNumber, id);
  return conditionHeld(
    send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.referral(id),
        UpdateExpression: 'SET gsi4pk = :pk, gsi4sk = :sk',
        ConditionExpression: 'patient.nhsNumber = :nhs AND attribute_not_exists(gsi4pk)',
        ExpressionAttributeValues: { ':pk': index.gsi4pk, ':sk': index.gsi4sk, ':nhs': nhsNumber },
      }),
    ),
  );
}

/**
 * Points a referral at its task's new patient link (the backfill after upgrading): the open booking
 * step's, or the appointment's, whichever names that task. Not a referral change: no event.
 */
export async function pointAtPatientLink(referralId: string, taskId: string, linkId: string): Promise<boolean> {
  const set = (update: string, condition: string) =>
    conditionHeld(
      send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.referral(referralId),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeValues: { ':task': taskId, ':link': linkId },
        }),
      ),
    );
  return (
    (await set('SET openTask.patientLinkId = :link', 'openTask.taskId = :task')) ||
    (await set('SET appointmentLinkId = :link', 'appointmentLinkId = :task'))
  );
}
