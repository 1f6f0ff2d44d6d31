/**
 * The table's stream (DynamoDB Streams, new and old images): each write as the items it left
 * before and after, in plain values. The capture of status changes reads it (services/callbacks.ts);
 * how DynamoDB spells an item on the wire stays here, with the rest of the store.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/** A write to the table: the item before (none for a new one) and after (none once deleted). */
export interface TableChange {
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/** A stream record as Lambda's event (and DynamoDB Local's GetRecords) carries it. */
export interface StreamRecordImages {
  dynamodb?: { OldImage?: Record<string, unknown>; NewImage?: Record<string, unknown> };
}

const plain = (image: Record<string, unknown> | undefined) => image && unmarshall(image as Record<string, AttributeValue>);

export function tableChanges(records: StreamRecordImages[]): TableChange[] {
  return records.map((record) => ({ before: plain(record.dynamodb?.OldImage), after: plain(record.dynamodb?.NewImage) }));
}
