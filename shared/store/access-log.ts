/**
 * Who saw which referral's patient details: the "every access attributable" record for
 * special-category data. Each view is written twice (by referral, by person) in batches, so a
 * page listing many referrals costs one request per 12 of them (25 writes), and both questions a service lead
 * asks are a single query. Kept as long as the table: it holds ids, names of staff and times, no
 * patient data.
 */
import { keys } from '../tables.js';
import { batchPut, queryPages, tableName } from './dynamo.js';

export interface Access {
  referralId: string;
  userId: string;
  userName: string;
  at: string;
  /** What was seen: "triage decision page", "booking worklist", "search result"... */
  what: string;
  /** Why, where the page asked (a search by NHS number). */
  reason?: string;
}

/** Each view twice: by referral, and by person. */
export async function recordAccesses(accesses: Access[]): Promise<void> {
  await batchPut(
    accesses.flatMap((a) => [
      { ...keys.accessByReferral(a.referralId, a.at, a.userId), entity: 'access', ...a },
      { ...keys.accessByUser(a.userId, a.at, a.referralId), entity: 'access', ...a },
    ]),
  );
}

const toAccess = ({ referralId, userId, userName, at, what, reason }: Record<string, unknown>) =>
  ({ referralId, userId, userName, at, what, ...(reason ? { reason } : {}) }) as Access;

/** Every recorded view of a referral, oldest first. */
export async function accessesToReferral(referralId: string): Promise<Access[]> {
  const found: Access[] = [];
  const pk = keys.accessByReferral(referralId, '', '').pk;
  for await (const page of queryPages({
    TableName: tableName(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': pk },
  }))
    found.push(...page.map(toAccess));
  return found;
}

/** What one person viewed between two instants (`to` excluded), oldest first. */
export async function accessesByUser(userId: string, from: string, to: string): Promise<Access[]> {
  const found: Access[] = [];
  const pk = keys.accessByUser(userId, '', '').pk;
  for await (const page of queryPages({
    TableName: tableName(),
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
  }))
    found.push(...page.map(toAccess));
  return found;
}
