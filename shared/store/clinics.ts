/**
 * Clinics and appointment slots. A free slot sits in the sparse `freeSlots` index under its
 * service; booking it is a conditional write that removes it from the index, so a slot is booked
 * at most once, whatever the concurrency. Releasing it puts it back.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

import { type Clinic, type ClinicInput, type Slot, slotIdOf, type SlotInput } from '../domain/booking.js';
import type { Session } from '../domain/timetable.js';
import { keys, referralTable } from '../tables.js';
import { batchGet, conditionHeld, onConditionFailed, queryPages, send, tableName } from './dynamo.js';
import { SlotTakenError } from './errors.js';
import type { TransactItem } from './referrals.js';

export async function putClinic(clinicId: string, clinic: ClinicInput): Promise<void> {
  await send(new PutCommand({ TableName: tableName(), Item: { ...keys.clinic(clinicId), entity: 'clinic', clinicId, ...clinic } }));
  // Listed for the timetable page (one query for every clinic and session).
  const listed = { ...keys.timetableClinic(clinicId), entity: 'timetable-clinic', clinicId, ...clinic };
  await send(new PutCommand({ TableName: tableName(), Item: listed }));
}

/** Every clinic and every timetable session (one query: the TIMETABLE partition). */
export async function timetable(): Promise<{ clinics: Clinic[]; sessions: Session[] }> {
  const clinics: Clinic[] = [];
  const sessions: Session[] = [];
  for await (const page of queryPages({
    TableName: tableName(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': 'TIMETABLE' },
  })) {
    for (const { pk, sk, entity, ...item } of page) {
      if (entity === 'timetable-clinic') clinics.push(item as unknown as Clinic);
      if (entity === 'session') sessions.push(item as unknown as Session);
    }
  }
  return { clinics, sessions };
}

export async function putSession(session: Session): Promise<void> {
  await send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.session(session.clinicId, session.sessionId), entity: 'session', ...session },
    }),
  );
}

/** Records that the session's slots are made up to `day` (UK date): the daily top-up starts after it. */
export async function markSlotsMade(session: Session, day: string): Promise<void> {
  await send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.session(session.clinicId, session.sessionId),
      UpdateExpression: 'SET slotsMadeUntil = :day',
      ExpressionAttributeValues: { ':day': day },
    }),
  );
}

/** Marks one date of a session cancelled (no slots are made for it any more). */
export async function cancelSessionDate(session: Session, date: string): Promise<void> {
  await send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.session(session.clinicId, session.sessionId),
      UpdateExpression: 'SET cancelledDates = list_append(if_not_exists(cancelledDates, :none), :date)',
      ExpressionAttributeValues: { ':none': [], ':date': [date] },
    }),
  );
}

/** Takes a free slot off offer (the clinic cancelled it); false if it was booked meanwhile. */
export async function withdrawFreeSlot(slotId: string, at: string): Promise<boolean> {
  return conditionHeld(
    send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.slot(slotId),
        UpdateExpression: 'SET cancelledAt = :at REMOVE gsi3pk, gsi3sk',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(bookedBy)',
        ExpressionAttributeValues: { ':at': at },
      }),
    ),
  );
}

/** Cancels a booked slot, in the same transaction as moving its referral back to be rebooked. */
export function withdrawBookedSlot(slotId: string, referralId: string, at: string): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.slot(slotId),
      UpdateExpression: 'SET cancelledAt = :at REMOVE bookedBy, bookedAt',
      ConditionExpression: 'bookedBy = :referral',
      ExpressionAttributeValues: { ':referral': referralId, ':at': at },
    },
  };
}

export async function getClinic(clinicId: string): Promise<Clinic | undefined> {
  const result = await send(new GetCommand({ TableName: tableName(), Key: keys.clinic(clinicId) }));
  if (!result.Item) return undefined;
  const { pk, sk, entity, ...clinic } = result.Item;
  return clinic as Clinic;
}

export async function getClinics(clinicIds: string[]): Promise<Map<string, Clinic>> {
  const found = new Map<string, Clinic>();
  for (const { pk, sk, entity, ...clinic } of await batchGet([...new Set(clinicIds)].map((id) => keys.clinic(id))))
    found.set(clinic.clinicId as string, clinic as unknown as Clinic);
  return found;
}

/** Adds a slot unless one exists at that clinic and time; true if added. */
export async function addSlot(slot: SlotInput & { sessionId?: string }): Promise<boolean> {
  const start = new Date(slot.start).toISOString();
  const slotId = slotIdOf(slot.clinicId, start);
  return conditionHeld(
    send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.slot(slotId), entity: 'slot', ...slot, start, slotId, ...keys.freeSlot(slot.service, start, slotId) },
        // A slot the clinic cancelled stays cancelled: making it again (a timetable top-up) is a no-op.
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
}

const freeSlotsIndex = referralTable.indexes.find((i) => i.indexName === 'freeSlots')!.indexName;

/** Free slots for a service starting in [from, to), earliest first. */
export async function freeSlots(service: string, from: string, to: string, limit = 200): Promise<Slot[]> {
  const slots: Slot[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: freeSlotsIndex,
        KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': `FREESLOT#${service}`, ':from': from, ':to': `${to}` },
        ExclusiveStartKey,
        Limit: limit,
      }),
    );
    for (const item of page.Items ?? []) if ((item.start as string) < to) slots.push(toSlot(item));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey && slots.length < limit);
  return slots.slice(0, limit);
}

export async function getSlot(slotId: string): Promise<Slot | undefined> {
  const result = await send(new GetCommand({ TableName: tableName(), Key: keys.slot(slotId), ConsistentRead: true }));
  return result.Item ? toSlot(result.Item) : undefined;
}

function toSlot(item: Record<string, unknown>): Slot {
  const { pk, sk, entity, gsi3pk, gsi3sk, ...slot } = item;
  return slot as unknown as Slot;
}

/** Takes a free slot for a referral; goes in the same transaction as the referral's change. */
export function takeSlot(slotId: string, referralId: string, at: string): TransactItem {
  return onConditionFailed(
    {
      Update: {
        TableName: tableName(),
        Key: keys.slot(slotId),
        UpdateExpression: 'SET bookedBy = :referral, bookedAt = :at REMOVE gsi3pk, gsi3sk',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(bookedBy)',
        ExpressionAttributeValues: { ':referral': referralId, ':at': at },
      },
    },
    () => new SlotTakenError(slotId),
  );
}

/** Gives a referral's slot back to the free list. */
export function releaseSlot(slot: Slot, referralId: string): TransactItem {
  const free = keys.freeSlot(slot.service, slot.start, slot.slotId);
  return {
    Update: {
      TableName: tableName(),
      Key: keys.slot(slot.slotId),
      UpdateExpression: 'SET gsi3pk = :gsi3pk, gsi3sk = :gsi3sk REMOVE bookedBy, bookedAt',
      ConditionExpression: 'bookedBy = :referral',
      ExpressionAttributeValues: { ':referral': referralId, ':gsi3pk': free.gsi3pk, ':gsi3sk': free.gsi3sk },
    },
  };
}
