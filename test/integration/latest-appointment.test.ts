/**
 * No appointment is booked so late that the referral's workflow (one execution, which AWS ends at
 * 365 days) would end before it can remind the patient and ask for the outcome.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { fixedClock, useClock } from '../../shared/clock.js';
import { LATEST_APPOINTMENT_DAYS, slotIdOf } from '../../shared/domain/booking.js';
import { bookSlot, choosableSlots, SlotUnavailableError } from '../../shared/services/booking.js';
import { addSlot, putClinic } from '../../shared/store/clinics.js';
import { getReferral } from '../../shared/store/referrals.js';
import { validReferral } from '../support/fixtures.js';
import { until, workflowHarness } from '../support/harness.js';

const DAY_MS = 86_400_000;
let h: Awaited<ReturnType<typeof workflowHarness>>;
let restoreClock = () => {};
beforeEach(async () => {
  h = await workflowHarness();
});
afterEach(() => restoreClock());

describe('the latest appointment', () => {
  it(`is ${LATEST_APPOINTMENT_DAYS} days after arrival, even for the booking team, who may otherwise book 90 days ahead`, async () => {
    // Prepare: a screened referral, now 300 days old; slots a day either side of the limit.
    const id = await h.refer(validReferral());
    await until(async () => (await h.load(id)).timeline.some((e) => e.type === 'triage_team_emailed'), 'triage to open');
    const referral = (await getReferral(id))!;
    const received = Date.parse(referral.receivedAt);
    restoreClock = useClock(fixedClock(new Date(received + 300 * DAY_MS)));
    await putClinic('late-clinic', { name: 'Late Clinic', address: '1 High Street', postcode: 'PR7 1AA', services: ['physiotherapy'] });
    const [inside, outside] = [LATEST_APPOINTMENT_DAYS - 1, LATEST_APPOINTMENT_DAYS + 1].map((d) =>
      new Date(received + d * DAY_MS).toISOString(),
    );
    for (const start of [inside!, outside!])
      await addSlot({ clinicId: 'late-clinic', service: 'physiotherapy', start, lengthMinutes: 30, clinicianType: 'physiotherapist' });

    // Act and assess: only the slot inside the limit is offered, and the other cannot be booked.
    const offered = (await choosableSlots(referral, { anyTime: true })).map((s) => s.slotId);
    expect(offered).toContain(slotIdOf('late-clinic', inside!));
    expect(offered).not.toContain(slotIdOf('late-clinic', outside!));
    await expect(bookSlot(referral, slotIdOf('late-clinic', outside!), 'staff:test', [], { anyTime: true })).rejects.toBeInstanceOf(
      SlotUnavailableError,
    );
    const booked = await bookSlot(referral, slotIdOf('late-clinic', inside!), 'staff:test', [], { anyTime: true });
    expect(booked.status).toBe('booked');
  });
});
