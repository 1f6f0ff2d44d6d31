/**
 * A daily allowance of texts to one mobile number, held in DynamoDB so that it holds across every
 * Lambda instance. The number itself is never a key: the caller passes a keyed hash of it. Each
 * text is named (referral and template), so a retried step takes its own place again rather than
 * a second one.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';

import { DAY_SECONDS } from '../domain/time.js';
import { keys } from '../tables.js';
import { conditionHeld, send, tableName } from './dynamo.js';

/** True if `text` may go to the number today (it is now counted), false if the day's allowance is spent. */
export async function takeTextAllowance(numberKey: string, day: string, text: string, perDay: number): Promise<boolean> {
  return conditionHeld(
    send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.textAllowance(numberKey, day),
        UpdateExpression: 'ADD texts :text SET entity = :entity, expiresAt = :expiresAt',
        ConditionExpression: 'attribute_not_exists(texts) OR size(texts) < :perDay OR contains(texts, :name)',
        ExpressionAttributeValues: {
          ':text': new Set([text]),
          ':name': text,
          ':perDay': perDay,
          ':entity': 'text-allowance',
          // Kept a day past its own, then removed by TTL.
          ':expiresAt': Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + 3 * DAY_SECONDS,
        },
      }),
    ),
  );
}
