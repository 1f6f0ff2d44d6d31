/**
 * Pending human steps. A task holds the workflow's current task token, which never leaves
 * DynamoDB: staff links name the task by its opaque id. A task the patient acts on has a second
 * id for the patient's link, so a text never carries the id behind the staff link. A timeout that
 * re-opens the step replaces the token in place, so links already sent keep working.
 */
import { GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

import type { Timepoint } from '../domain/questionnaires.js';
import type { Routing } from '../domain/referral.js';
import { DAY_SECONDS } from '../domain/time.js';
import type { TaskKind } from '../domain/vocabulary.js';
import { keys } from '../tables.js';
import { conditionHeld, send, tableName } from './dynamo.js';
import type { TransactItem } from './referrals.js';

export interface Task {
  taskId: string;
  kind: TaskKind;
  referralId: string;
  token: string;
  createdAt: string;
  linkExpiresAt: string;
  decidedAt?: string;
  routing?: Routing;
  /** The id in the patient's link, for a step the patient acts on, their appointment or a questionnaire. */
  patientLinkId?: string;
  /** A questionnaire's: before treatment, or after discharge. */
  timepoint?: Timepoint;
}

/** Kept a month past the link's expiry for the audit of who used it, then removed by TTL. */
const RETAIN_AFTER_EXPIRY_SECONDS = 30 * DAY_SECONDS;
const YEAR_SECONDS = 365 * DAY_SECONDS;

/** The task, and the patient's link to it when it has one; written with the referral's change. */
export function putNewTask(task: Task): TransactItem[] {
  const expiresAt = Math.floor(Date.parse(task.linkExpiresAt) / 1000) + RETAIN_AFTER_EXPIRY_SECONDS;
  const put = (item: Record<string, unknown>): TransactItem => ({
    Put: { TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
  });
  return [
    put({ ...keys.task(task.taskId), entity: 'task', ...task, expiresAt }),
    ...(task.patientLinkId ? [put(patientLinkItem(task, task.patientLinkId))] : []),
  ];
}

/**
 * The pointer from a patient's link id to its task. It names only the task, and outlives it (a
 * step re-opened or an appointment moved keeps its link), so the task's own expiry decides when
 * the link stops working.
 */
function patientLinkItem(task: Task, linkId: string): Record<string, unknown> {
  const expiresAt = Math.floor(Date.parse(task.linkExpiresAt) / 1000) + RETAIN_AFTER_EXPIRY_SECONDS + YEAR_SECONDS;
  return { ...keys.patientLink(linkId), entity: 'patient-link', taskId: task.taskId, expiresAt };
}

export async function getTask(taskId: string): Promise<Task | undefined> {
  const result = await send(new GetCommand({ TableName: tableName(), Key: keys.task(taskId), ConsistentRead: true }));
  if (!result.Item) return undefined;
  const { pk, sk, entity, expiresAt, ...task } = result.Item;
  return task as Task;
}

/** The task behind a patient's link id (the id is never a task's own). */
export async function getTaskByPatientLink(linkId: string): Promise<Task | undefined> {
  const link = await send(new GetCommand({ TableName: tableName(), Key: keys.patientLink(linkId), ConsistentRead: true }));
  const task = typeof link.Item?.taskId === 'string' ? await getTask(link.Item.taskId) : undefined;
  return task?.patientLinkId === linkId ? task : undefined;
}

/** Puts a fresh token on an undecided task; false if it was decided meanwhile. */
export async function replaceTaskToken(taskId: string, token: string, linkExpiresAt: string): Promise<boolean> {
  return conditionHeld(
    send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.task(taskId),
        UpdateExpression: 'SET #token = :token, linkExpiresAt = :linkExpiresAt, expiresAt = :expiresAt',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(decidedAt)',
        ExpressionAttributeNames: { '#token': 'token' },
        ExpressionAttributeValues: {
          ':token': token,
          ':linkExpiresAt': linkExpiresAt,
          ':expiresAt': Math.floor(Date.parse(linkExpiresAt) / 1000) + RETAIN_AFTER_EXPIRY_SECONDS,
        },
      }),
    ),
  );
}

/**
 * Marks the task decided, on condition that it is still undecided, unexpired and holds the token
 * the caller is about to use. Goes in the same transaction as the referral's change.
 */
export function claimTask(task: Task, decidedAt: string, routing: Routing): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.task(task.taskId),
      UpdateExpression: 'SET decidedAt = :decidedAt, routing = :routing',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(decidedAt) AND linkExpiresAt > :decidedAt AND #token = :token',
      ExpressionAttributeNames: { '#token': 'token' },
      ExpressionAttributeValues: { ':decidedAt': decidedAt, ':routing': routing, ':token': task.token },
    },
  };
}

/** Marks a link that acts once (a questionnaire) as used, with the change it made: refused if used or expired meanwhile. */
export function useTask(task: Task, usedAt: string): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.task(task.taskId),
      UpdateExpression: 'SET decidedAt = :usedAt',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(decidedAt) AND linkExpiresAt > :usedAt',
      ExpressionAttributeValues: { ':usedAt': usedAt },
    },
  };
}

/** Moves a link's expiry (an appointment link lasts until its appointment, wherever that moves). */
export async function setLinkExpiry(taskId: string, linkExpiresAt: string): Promise<void> {
  await send(linkExpiryUpdate(taskId, linkExpiresAt, 'attribute_exists(pk)'));
}

/**
 * Keeps a reused link open until at least `linkExpiresAt`: never shortens it (a move made meanwhile
 * may have set a later one). False when it already lasts that long, or the task is gone.
 */
export async function extendLinkExpiry(taskId: string, linkExpiresAt: string): Promise<boolean> {
  return conditionHeld(send(linkExpiryUpdate(taskId, linkExpiresAt, 'attribute_exists(pk) AND linkExpiresAt < :linkExpiresAt')));
}

/** A link's new expiry, and the item's removal a while after it, on `condition`. */
const linkExpiryUpdate = (taskId: string, linkExpiresAt: string, condition: string) =>
  new UpdateCommand({
    TableName: tableName(),
    Key: keys.task(taskId),
    UpdateExpression: 'SET linkExpiresAt = :linkExpiresAt, expiresAt = :expiresAt',
    ConditionExpression: condition,
    ExpressionAttributeValues: {
      ':linkExpiresAt': linkExpiresAt,
      ':expiresAt': Math.floor(Date.parse(linkExpiresAt) / 1000) + RETAIN_AFTER_EXPIRY_SECONDS,
    },
  });

/**
 * Open booking steps and appointments stored before patients' links had their own ids: their
 * texts would carry a link that resolves to nothing. A scan, for the operator's one-off
 * `npm run backfill:patient-links` after upgrading, never for a request.
 */
export async function* patientTasksWithoutLink(): AsyncGenerator<Task[]> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await send(
      new ScanCommand({
        TableName: tableName(),
        FilterExpression:
          'entity = :task AND #kind IN (:booking, :appointment) AND attribute_not_exists(patientLinkId) AND attribute_not_exists(decidedAt)',
        ExpressionAttributeNames: { '#kind': 'kind' },
        ExpressionAttributeValues: { ':task': 'task', ':booking': 'booking', ':appointment': 'appointment' },
        ExclusiveStartKey,
      }),
    );
    yield (page.Items ?? []).map(({ pk, sk, entity, expiresAt, ...task }) => task as Task);
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/**
 * Gives a task its patient link: the pointer first (a fresh id: if the next write fails it points
 * at nothing that names it, and never resolves), then the task marks it, unless it has one by now.
 */
export async function addPatientLink(task: Task, linkId: string): Promise<boolean> {
  await send(
    new PutCommand({ TableName: tableName(), Item: patientLinkItem(task, linkId), ConditionExpression: 'attribute_not_exists(pk)' }),
  );
  return conditionHeld(
    send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.task(task.taskId),
        UpdateExpression: 'SET patientLinkId = :link',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(patientLinkId)',
        ExpressionAttributeValues: { ':link': linkId },
      }),
    ),
  );
}
