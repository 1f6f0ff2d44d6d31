/**
 * The booking step's record exists before the workflow waits on it (PrepareBooking writes it; the
 * AwaitBooking callback attaches the token a moment later). A patient who books in between must
 * get their appointment, and the workflow must carry on from it when it starts waiting.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { now } from '../../shared/clock.js';
import { slotIdOf } from '../../shared/domain/booking.js';
import { prepareBooking } from '../../shared/services/booking.js';
import { bookForPatient } from '../../shared/services/decisions.js';
import { AlreadyDecidedError, openTask } from '../../shared/services/tasks.js';
import { addSlot, putClinic } from '../../shared/store/clinics.js';
import { getReferral } from '../../shared/store/referrals.js';
import { getTask } from '../../shared/store/tasks.js';
import { validReferral } from '../support/fixtures.js';
import { until, workflowHarness } from '../support/harness.js';

let h: Awaited<ReturnType<typeof workflowHarness>>;
beforeEach(async () => {
  h = await workflowHarness();
});

describe('booking before the workflow waits', () => {
  it('keeps a booking made before the step has its token, and the workflow follows it when it starts waiting', async () => {
    // Prepare: a screened referral, a free physiotherapy slot tomorrow.
    const id = await h.refer(validReferral());
    // The triage email's event is the workflow's last write before it waits.
    await until(async () => (await h.load(id)).timeline.some((e) => e.type === 'triage_team_emailed'), 'triage to open');
    await putClinic('early-clinic', { name: 'Early Clinic', address: '1 High Street', postcode: 'PR7 1AA', services: ['physiotherapy'] });
    const start = new Date(now().getTime() + 86_400_000).toISOString();
    await addSlot({ clinicId: 'early-clinic', service: 'physiotherapy', start, lengthMinutes: 30, clinicianType: 'physiotherapist' });
    await prepareBooking(id);
    const referral = (await getReferral(id))!;
    const task = (await getTask(referral.openTask!.taskId))!;
    expect(task.token).toBe('');

    // Act: the patient books before AwaitBooking has attached a token.
    const booked = await bookForPatient(task, referral, { slot: slotIdOf('early-clinic', start) }, 'patient:link');

    // Assess: the booking stands, and the step, opening late, hands the workflow the booking.
    expect(booked).toMatchObject({ state: 'decided' });
    expect((await getReferral(id))!.status).toBe('booked');
    const late = openTask({ referralId: id, kind: 'booking', taskToken: 'token-attached-late' });
    await expect(late).rejects.toBeInstanceOf(AlreadyDecidedError);
    await expect(late).rejects.toThrow('{"route":"booked"}');
  });
});
