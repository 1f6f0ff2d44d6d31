/** The referral store against DynamoDB Local: atomic writes, idempotency claims, optimistic locking. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';

import type { Referral } from '../../shared/domain/referral.js';
import type { EventType } from '../../shared/domain/vocabulary.js';
import { newReferralId } from '../../shared/ids.js';
import { documentClient } from '../../shared/store/dynamo.js';
import { ConcurrentChangeError, IdempotencyConflictError } from '../../shared/store/errors.js';
import { changeReferral, createReferral, getReferralWithTimeline, referralIdsForNhsNumber } from '../../shared/store/referrals.js';
import { extendLinkExpiry, getTaskByPatientLink, putNewTask } from '../../shared/store/tasks.js';
import { keys } from '../../shared/tables.js';
import { scanAll, useFreshTable } from '../support/dynamodb.js';
import { validReferral } from '../support/fixtures.js';

let table: { tableName: string; endpoint: string };
beforeEach(async () => {
  table = await useFreshTable();
});

function referral(): Referral {
  const at = new Date().toISOString();
  return {
    ...(validReferral() as unknown as Referral),
    id: newReferralId(),
    status: 'received',
    clientId: 'gp-1',
    receivedAt: at,
    triageDueAt: at,
    updatedAt: at,
    version: 1,
  };
}
const received = (r: Referral) => ({ type: 'received' as const, at: r.receivedAt, actor: 'client:gp-1' });
const claim = (key: string, requestHash: string) => ({ key, requestHash, expiresAt: Math.floor(Date.now() / 1000) + 3600 });

describe('referral store (DynamoDB Local)', () => {
  it('stores a referral with its first event and reads back status and timeline', async () => {
    const r = referral();
    await createReferral(r, received(r));
    const found = await getReferralWithTimeline(r.id);
    expect(found?.referral).toMatchObject({ id: r.id, status: 'received', version: 1 });
    expect(found?.timeline.map((e) => e.type)).toEqual(['received']);
  });

  it('refuses a second claim of one Idempotency-Key and writes nothing of the second referral', async () => {
    const first = referral();
    await createReferral(first, received(first), claim('key-1', 'hash-a'));
    const second = referral();
    const same = await createReferral(second, received(second), claim('key-1', 'hash-a')).catch((e) => e);
    expect(same).toBeInstanceOf(IdempotencyConflictError);
    expect(same).toMatchObject({ existingReferralId: first.id, sameRequest: true });
    const different = await createReferral(second, received(second), claim('key-1', 'hash-b')).catch((e) => e);
    expect(different).toMatchObject({ sameRequest: false });
    expect(await getReferralWithTimeline(second.id)).toBeUndefined();
    const items = await scanAll(table.endpoint, table.tableName);
    expect(items.filter((i) => i.sk?.S === 'META')).toHaveLength(1);
  });

  it('lets only one of two writers that read the same version win, and keeps the timeline in step', async () => {
    const r = referral();
    await createReferral(r, received(r));
    const change = (type: string) =>
      changeReferral(r, { status: 'awaiting_triage', event: { type: type as EventType, at: new Date().toISOString(), actor: 'test' } });
    const results = await Promise.allSettled([change('a'), change('b')]);
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((x) => x.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(ConcurrentChangeError);
    const found = await getReferralWithTimeline(r.id);
    expect(found?.referral.version).toBe(2);
    expect(found?.timeline).toHaveLength(2);
  });

  it('moves the referral between status worklists as its status changes', async () => {
    const r = referral();
    await createReferral(r, received(r));
    await changeReferral(r, { status: 'awaiting_triage', event: { type: 'screened', at: new Date().toISOString(), actor: 'test' } });
    const items = await scanAll(table.endpoint, table.tableName);
    const meta = items.find((i) => i.sk?.S === 'META');
    expect(meta?.gsi1pk?.S).toBe('STATUS#awaiting_triage');
    expect(meta?.gsi2pk?.S).toBe('PRACTICE#P81001');
  });

  it('backfills the NHS number index for referrals stored before it, once, skipping those whose details are gone', async () => {
    const { backfillNhsIndex } = await import('../../infra/backfill-nhs-index.js');
    const older = referral();
    const anonymised = referral();
    const current = referral();
    for (const r of [older, anonymised, current]) await createReferral(r, received(r));
    // As stored before the index existed: no index key (and, for one, its details since removed).
    const unindex = (id: string, also = '') =>
      documentClient().send(
        new UpdateCommand({ TableName: table.tableName, Key: keys.referral(id), UpdateExpression: `REMOVE gsi4pk, gsi4sk${also}` }),
      );
    await unindex(older.id);
    await unindex(anonymised.id, ', patient');
    expect(await referralIdsForNhsNumber(older.patient.nhsNumber)).not.toContain(older.id);

    const lines: string[] = [];
    expect(await backfillNhsIndex((line) => lines.push(line))).toEqual({ indexed: 1, skipped: 0 });
    expect(await referralIdsForNhsNumber(older.patient.nhsNumber)).toEqual(expect.arrayContaining([older.id, current.id]));
    expect(await referralIdsForNhsNumber(older.patient.nhsNumber)).not.toContain(anonymised.id);
    expect(lines.join('\n')).not.toContain(older.patient.nhsNumber);
    // Again: nothing left to do.
    expect(await backfillNhsIndex(() => undefined)).toEqual({ indexed: 0, skipped: 0 });
  });

  it("extends a reused appointment link's expiry, never shortening it (a move may have set a later one)", async () => {
    const r = referral();
    await createReferral(r, received(r));
    const first = '2027-01-05T12:00:00.000Z';
    await changeReferral(
      r,
      { set: { appointmentLinkId: 'appt-link-1' }, event: { type: 'appointment_link_created', at: r.receivedAt, actor: 'system:test' } },
      putNewTask({
        taskId: 'appt-task-1',
        kind: 'appointment',
        referralId: r.id,
        token: '',
        createdAt: r.receivedAt,
        linkExpiresAt: first,
        patientLinkId: 'appt-link-1',
      }),
    );
    const expiry = async () => (await getTaskByPatientLink('appt-link-1'))?.linkExpiresAt;
    expect(await extendLinkExpiry('appt-task-1', '2027-01-04T12:00:00.000Z')).toBe(false);
    expect(await expiry()).toBe(first);
    expect(await extendLinkExpiry('appt-task-1', '2027-01-12T12:00:00.000Z')).toBe(true);
    expect(await expiry()).toBe('2027-01-12T12:00:00.000Z');
    expect(await extendLinkExpiry('no-such-task', '2027-02-01T12:00:00.000Z')).toBe(false);
  });

  it('backfills patient links for open booking steps and appointments stored before they had their own ids', async () => {
    const { backfillPatientLinks } = await import('../../infra/backfill-patient-links.js');
    const legacyTask = (id: string, taskId: string, kind: 'booking' | 'appointment') =>
      putNewTask({
        taskId,
        kind,
        referralId: id,
        token: '',
        createdAt: new Date().toISOString(),
        linkExpiresAt: '2099-01-01T00:00:00.000Z',
      });
    const booking = referral();
    const appointment = referral();
    for (const r of [booking, appointment]) await createReferral(r, received(r));
    const event = (_r: Referral) => ({ type: 'booking_invited' as const, at: new Date().toISOString(), actor: 'system:test' });
    await changeReferral(
      booking,
      { set: { openTask: { kind: 'booking', taskId: 'legacy-booking-1' } }, event: event(booking) },
      legacyTask(booking.id, 'legacy-booking-1', 'booking'),
    );
    await changeReferral(
      appointment,
      { set: { appointmentLinkId: 'legacy-appoint-1' }, event: event(appointment) },
      legacyTask(appointment.id, 'legacy-appoint-1', 'appointment'),
    );

    expect(await backfillPatientLinks(() => undefined)).toEqual({ linked: 2, skipped: 0 });
    const afterBooking = (await getReferralWithTimeline(booking.id))!.referral;
    const afterAppointment = (await getReferralWithTimeline(appointment.id))!.referral;
    expect((await getTaskByPatientLink(afterBooking.openTask!.patientLinkId!))?.taskId).toBe('legacy-booking-1');
    expect((await getTaskByPatientLink(afterAppointment.appointmentLinkId!))?.taskId).toBe('legacy-appoint-1');
    // Not referral changes: no version, no event.
    expect(afterBooking.version).toBe(2);
    expect(await backfillPatientLinks(() => undefined)).toEqual({ linked: 0, skipped: 0 });
  });
});
