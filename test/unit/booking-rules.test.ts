/** The booking rules without I/O (shared/domain/booking.ts): windows, chasers, reminders, limits. */
import { describe, expect, it } from 'vitest';

import {
  appointmentEnd,
  appointmentReminderAt,
  bookingTimer,
  bookingWindowEnd,
  firstBookingWaitSeconds,
  LATEST_APPOINTMENT_DAYS,
  latestAppointmentStart,
  slotIdOf,
} from '../../shared/domain/booking.js';
import { DAY_MS, DAY_SECONDS } from '../../shared/domain/time.js';

const INVITED = '2026-11-23T10:00:00.000Z';
const day = (n: number) => new Date(Date.parse(INVITED) + n * DAY_MS);

describe('booking rules', () => {
  it('gives urgent patients 5 days and routine 4 weeks from acceptance', () => {
    const windows = { urgent: 5, routine: 28 };
    expect(bookingWindowEnd(day(0), 'urgent', windows)).toBe(day(5).toISOString());
    expect(bookingWindowEnd(day(0), 'routine', windows)).toBe(day(28).toISOString());
  });

  it('chases once at each chaser day, then gives up, saying how long to wait each time', () => {
    const timer = (d: number, sent: number) => bookingTimer(INVITED, sent, day(d), [3, 7], 14);
    expect(firstBookingWaitSeconds([3, 7], 14)).toBe(3 * DAY_SECONDS);
    expect(timer(1, 0)).toEqual({ action: 'none', nextInSeconds: 2 * DAY_SECONDS });
    expect(timer(3, 0)).toEqual({ action: 'chaser', nextInSeconds: 4 * DAY_SECONDS });
    // A timer that fires twice (a retry) does not chase twice.
    expect(timer(3, 1)).toEqual({ action: 'none', nextInSeconds: 4 * DAY_SECONDS });
    expect(timer(7, 1)).toEqual({ action: 'chaser', nextInSeconds: 7 * DAY_SECONDS });
    expect(timer(14, 2)).toMatchObject({ action: 'give-up' });
  });

  it('reminds the configured hours before, and ends the appointment after its length', () => {
    expect(appointmentReminderAt('2026-12-01T09:00:00.000Z', 48)).toBe('2026-11-29T09:00:00.000Z');
    expect(appointmentEnd('2026-12-01T09:00:00.000Z', 45)).toBe('2026-12-01T09:45:00.000Z');
  });

  it('offers nothing that starts after the workflow could still ask for its outcome', () => {
    expect(latestAppointmentStart(INVITED)).toBe(day(LATEST_APPOINTMENT_DAYS).toISOString());
    expect(LATEST_APPOINTMENT_DAYS).toBeLessThan(365);
  });

  it('names a slot by clinic and start, whatever the offset it was given in', () => {
    expect(slotIdOf('leeds-1', '2026-12-01T09:00:00+00:00')).toBe('leeds-1#2026-12-01T09:00:00.000Z');
  });
});
