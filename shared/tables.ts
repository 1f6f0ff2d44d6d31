/**
 * The one table definition, read by CDK (TableV2) and by the local runtime (CreateTable on
 * DynamoDB Local). Single-table layout:
 *   REFERRAL#<id> / META                      current state of a referral
 *   REFERRAL#<id> / EVENT#<iso-time>#<version> append-only timeline, written with each change
 *   REFERRAL#<id> / NOTE#<iso-time>#<version>  free text written with that event (a reason, an
 *                                              answer), kept apart so that the retention rule can
 *                                              remove it without touching the event
 *   TASK#<opaque id> / TASK                   a pending human step: its task token, link expiry, decision
 *   TASK#<opaque id> / PATIENT_LINK           the patient's link to a step: a different id, naming the task
 *   REFERRAL#<id> / RESPONSE#<timepoint>      a patient's answers to their questionnaires at baseline or follow-up
 *                                             (codes and numbers; their free text is a NOTE, like any other)
 *   IDEMPOTENCY#<client>#<key> / IDEMPOTENCY  a remembered Idempotency-Key (expires by TTL)
 *   TEXTS#<keyed hash of a mobile> / <UK day> the self-referral texts sent to one number that day (expires by TTL)
 *   CLINIC#<id> / CLINIC                      a clinic: name, address, services
 *   SLOT#<clinic>#<start> / SLOT              an appointment slot, booked by a conditional write
 *   TIMETABLE / CLINIC#<id>                   a clinic's entry in the list of clinics (name), for the timetable page
 *   TIMETABLE / SESSION#<clinic>#<id>         a recurring clinic session that makes slots (see domain/timetable.ts)
 *   REFERRAL#<id> / CLAIM                     who is working on a referral's step, until when
 *   ACCESS#REFERRAL#<id> / <at>#<user>        a view of a referral's patient details (who, when, what, why),
 *   ACCESS#USER#<user> / <at>#<referral id>   written twice so that both "who saw this referral" and
 *                                             "what did this person see" are one query
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export interface IndexDefinition {
  indexName: string;
  partitionKey: string;
  sortKey: string;
  /**
   * Attributes copied into the index besides the keys; 'ALL' copies the whole item. Every write
   * that changes a copied attribute is written to the index too and paid for by item size, so the
   * referral indexes copy only what their readers need (see BENCHMARKS.md).
   */
  projection: 'ALL' | readonly string[];
}

export const referralTable = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  // Every write, with the item before and after: status changes are read from it and sent back to
  // referrer systems (services/callbacks.ts). Reading a stream with Lambda costs nothing.
  stream: 'NEW_AND_OLD_IMAGES',
  indexes: [
    // Worklists, reporting and retention: referrals in a status, oldest first. Readers fetch the
    // referral itself; only its id and whether its personal data is gone are copied.
    { indexName: 'byStatus', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: ['id', 'personalDataRemovedAt'] },
    // Referrals by referring practice (or SELF) over time: keys only.
    { indexName: 'byPractice', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: [] },
    // Finding a referral by the patient's NHS number (staff search, with a reason): keys only. The
    // retention rule removes the key with the patient's details, so the index forgets them too.
    { indexName: 'byNhsNumber', partitionKey: 'gsi4pk', sortKey: 'gsi4sk', projection: [] },
    // Free appointment slots by service and start time; a booked slot leaves the index (sparse).
    { indexName: 'freeSlots', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', projection: 'ALL' },
  ] satisfies IndexDefinition[],
} as const;

export const keys = {
  referral: (id: string) => ({ pk: `REFERRAL#${id}`, sk: 'META' }),
  referralPk: (id: string) => `REFERRAL#${id}`,
  event: (id: string, at: string, version: number) => ({ pk: `REFERRAL#${id}`, sk: `EVENT#${at}#${String(version).padStart(6, '0')}` }),
  note: (id: string, at: string, version: number) => ({ pk: `REFERRAL#${id}`, sk: `NOTE#${at}#${String(version).padStart(6, '0')}` }),
  task: (taskId: string) => ({ pk: `TASK#${taskId}`, sk: 'TASK' }),
  response: (id: string, timepoint: string) => ({ pk: `REFERRAL#${id}`, sk: `RESPONSE#${timepoint}` }),
  patientLink: (linkId: string) => ({ pk: `TASK#${linkId}`, sk: 'PATIENT_LINK' }),
  clinic: (clinicId: string) => ({ pk: `CLINIC#${clinicId}`, sk: 'CLINIC' }),
  slot: (slotId: string) => ({ pk: `SLOT#${slotId}`, sk: 'SLOT' }),
  freeSlot: (service: string, start: string, slotId: string) => ({ gsi3pk: `FREESLOT#${service}`, gsi3sk: `${start}#${slotId}` }),
  timetableClinic: (clinicId: string) => ({ pk: 'TIMETABLE', sk: `CLINIC#${clinicId}` }),
  session: (clinicId: string, sessionId: string) => ({ pk: 'TIMETABLE', sk: `SESSION#${clinicId}#${sessionId}` }),
  claim: (id: string) => ({ pk: `REFERRAL#${id}`, sk: 'CLAIM' }),
  accessByReferral: (id: string, at: string, userId: string) => ({ pk: `ACCESS#REFERRAL#${id}`, sk: `${at}#${userId}` }),
  accessByUser: (userId: string, at: string, id: string) => ({ pk: `ACCESS#USER#${userId}`, sk: `${at}#${id}` }),
  textAllowance: (numberKey: string, day: string) => ({ pk: `TEXTS#${numberKey}`, sk: day }),
  idempotency: (clientId: string, key: string) => ({ pk: `IDEMPOTENCY#${clientId}#${key}`, sk: 'IDEMPOTENCY' }),
  byStatus: (status: string, receivedAt: string, id: string) => ({ gsi1pk: `STATUS#${status}`, gsi1sk: `${receivedAt}#${id}` }),
  byNhsNumber: (nhsNumber: string, id: string) => ({ gsi4pk: `NHS#${nhsNumber}`, gsi4sk: id }),
  byPractice: (odsCode: string | undefined, receivedAt: string, id: string) => ({
    gsi2pk: odsCode ? `PRACTICE#${odsCode}` : 'SELF',
    gsi2sk: `${receivedAt}#${id}`,
  }),
};

/**
 * CreateTable input for DynamoDB Local, from the same definition CDK uses. `stream: false` leaves the
 * stream out: in DynamoDB Local every write to a streamed table also writes its stream record, so
 * the local runtime turns it on only when something reads it (a referrer callback is configured).
 */
export function createTableInput(tableName: string, { stream = true }: { stream?: boolean } = {}): CreateTableCommandInput {
  const keyAttributes = [
    referralTable.partitionKey,
    referralTable.sortKey,
    ...referralTable.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: referralTable.stream } } : {}),
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
      Projection:
        index.projection === 'ALL'
          ? { ProjectionType: 'ALL' }
          : index.projection.length
            ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection] }
            : { ProjectionType: 'KEYS_ONLY' },
    })),
  };
}
