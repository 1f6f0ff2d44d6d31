/**
 * Claims: "I am triaging this one", so that two clinicians do not work on the same referral. A
 * claim is its own item beside the referral (a claim is not a change to the referral: it does not
 * touch its version or timeline), taken by a conditional write: free, lapsed, or already yours.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';

import { keys } from '../tables.js';
import { batchGet, conditionHeld, send, tableName } from './dynamo.js';
import { ClaimedError } from './errors.js';

export interface Claim {
  referralId: string;
  userId: string;
  userName: string;
  until: string;
}

/** Claims the referral for `user` until `until`; ClaimedError (naming who has it) if someone else holds it. */
export async function claimReferral(claim: Claim, at: string): Promise<void> {
  const taken = await conditionHeld(
    send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.claim(claim.referralId), entity: 'claim', ...claim, expiresAt: Math.floor(Date.parse(claim.until) / 1000) },
        ConditionExpression: 'attribute_not_exists(pk) OR #until <= :at OR userId = :me',
        ExpressionAttributeNames: { '#until': 'until' },
        ExpressionAttributeValues: { ':at': at, ':me': claim.userId },
      }),
    ),
  );
  if (taken) return;
  // Who has it (read, rather than returned with the failure: DynamoDB Local does not return it).
  const { Item: held } = await send(new GetCommand({ TableName: tableName(), Key: keys.claim(claim.referralId), ConsistentRead: true }));
  throw new ClaimedError(String(held?.userName ?? 'someone else'), String(held?.until ?? ''));
}

/** Lets go of your own claim (someone else's stays). */
export async function releaseClaim(referralId: string, userId: string): Promise<void> {
  await conditionHeld(
    send(
      new DeleteCommand({
        TableName: tableName(),
        Key: keys.claim(referralId),
        ConditionExpression: 'attribute_not_exists(pk) OR userId = :me',
        ExpressionAttributeValues: { ':me': userId },
      }),
    ),
  );
}

/** The live claims on these referrals (lapsed ones left out), by referral id. */
export async function claimsOn(referralIds: string[], at: string): Promise<Map<string, Claim>> {
  const claims = new Map<string, Claim>();
  for (const item of await batchGet(referralIds.map((id) => keys.claim(id)))) {
    const claim = item as unknown as Claim;
    if (claim.until > at) claims.set(claim.referralId, claim);
  }
  return claims;
}
