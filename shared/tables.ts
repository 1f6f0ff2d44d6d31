/**
 * The one table definition, read by CDK (TableV2) and by the local runtime (CreateTable on
 * DynamoDB Local). Single-table layout:
 *   REFERRAL#<id> / META                      current state of a referral
 *   REFERRAL#<id> / EVENT#<iso-time>#<version> append-only timeline, written with each change
 *   REFERRAL#<id> / NOTE#<iso-time>#<version>  free text written with that event (a reason, an
 *                                              answer), kept apart so that the retention rule can
 *                                              remove it without touching the event
 *   TASK#<opaque id> / TASK                   a pending human step: its task token, link expiry, decision
 *   IDEMPOTENCY#<client>#<key> / IDEMPOTENCY  a remembered Idempotency-Key (expires by TTL)
 *   CLINIC#<id> / CLINIC                      a clinic: name, address, services
 *   SLOT#<clinic>#<start> / SLOT              an appointment slot, booked by a conditional write
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export interface IndexDefinition {
  indexName: string;
  partitionKey: string;
  sortKey: string;
}

export const referralTable = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  indexes: [
    // Worklists: referrals in a status, oldest first (e.g. awaiting_triage by arrival).
    { indexName: 'byStatus', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    // Dashboard: referrals by referring practice (or SELF) over time.
    { indexName: 'byPractice', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    // Free appointment slots by service and start time; a booked slot leaves the index (sparse).
    { indexName: 'freeSlots', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  ] satisfies IndexDefinition[],
} as const;

export const keys = {
  referral: (id: string) => ({ pk: `REFERRAL#${id}`, sk: 'META' }),
  referralPk: (id: string) => `REFERRAL#${id}`,
  event: (id: string, at: string, version: number) => ({ pk: `REFERRAL#${id}`, sk: `EVENT#${at}#${String(version).padStart(6, '0')}` }),
  note: (id: string, at: string, version: number) => ({ pk: `REFERRAL#${id}`, sk: `NOTE#${at}#${String(version).padStart(6, '0')}` }),
  task: (taskId: string) => ({ pk: `TASK#${taskId}`, sk: 'TASK' }),
  clinic: (clinicId: string) => ({ pk: `CLINIC#${clinicId}`, sk: 'CLINIC' }),
  slot: (slotId: string) => ({ pk: `SLOT#${slotId}`, sk: 'SLOT' }),
  freeSlot: (service: string, start: string, slotId: string) => ({ gsi3pk: `FREESLOT#${service}`, gsi3sk: `${start}#${slotId}` }),
  idempotency: (clientId: string, key: string) => ({ pk: `IDEMPOTENCY#${clientId}#${key}`, sk: 'IDEMPOTENCY' }),
  byStatus: (status: string, receivedAt: string, id: string) => ({ gsi1pk: `STATUS#${status}`, gsi1sk: `${receivedAt}#${id}` }),
  byPractice: (odsCode: string | undefined, receivedAt: string, id: string) => ({
    gsi2pk: odsCode ? `PRACTICE#${odsCode}` : 'SELF',
    gsi2sk: `${receivedAt}#${id}`,
  }),
};

/** CreateTable input for DynamoDB Local, from the same definition CDK uses. */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const keyAttributes = [
    referralTable.partitionKey,
    referralTable.sortKey,
    ...referralTable.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyAttributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: referralTable.partitionKey, KeyType: 'HASH' },
      { AttributeName: referralTable.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: referralTable.indexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}
