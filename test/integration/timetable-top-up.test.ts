/**
 * The daily top-up writes only the days it has not made: a session's slots up to the horizon once,
 * then one new day a day (before, it re-wrote the whole horizon, thousands of puts, every day).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { fixedClock, useClock } from '../../shared/clock.js';
import { addSession, topUpTimetable } from '../../shared/services/timetable.js';
import { putClinic, timetable } from '../../shared/store/clinics.js';
import { useFreshTable } from '../support/dynamodb.js';

let restoreClock = () => {};
beforeEach(async () => {
  await useFreshTable();
});
afterEach(() => restoreClock());

describe('the daily top-up', () => {
  it('makes the horizon once, then only each new day, and records how far it got', async () => {
    const clock = fixedClock('2027-01-04T06:00:00Z'); // a Monday
    restoreClock = useClock(clock);
    await putClinic('test-clinic', {
      name: 'Test Clinic',
      address: '1 High Street, Preston',
      postcode: 'PR1 1AA',
      services: ['physiotherapy'],
    });
    const { added } = await addSession({
      clinicId: 'test-clinic',
      service: 'physiotherapy',
      clinicianType: 'physiotherapist',
      weekday: 1,
      start: '09:00',
      end: '12:00',
      slotMinutes: 60,
      from: '2027-01-04',
    });
    // Mondays 4 January to 15 February (six weeks ahead, inclusive): 7 Mondays of 3 slots.
    expect(added).toBe(21);
    expect((await timetable()).sessions[0]).toMatchObject({ slotsMadeUntil: '2027-02-15' });
    expect(await topUpTimetable()).toEqual({ added: 0 });
    clock.set('2027-01-08T06:00:00Z'); // Friday: the horizon reaches no new Monday
    expect(await topUpTimetable()).toEqual({ added: 0 });
    // Nothing made, nothing written: the mark stays (the next top-up looks from it again).
    expect((await timetable()).sessions[0]).toMatchObject({ slotsMadeUntil: '2027-02-15' });
    clock.set('2027-01-11T06:00:00Z'); // the next Monday: 22 February comes into the horizon
    expect(await topUpTimetable()).toEqual({ added: 3 });
    expect((await timetable()).sessions[0]).toMatchObject({ slotsMadeUntil: '2027-02-22' });
  });
});
