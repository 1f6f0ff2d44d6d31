/** Timetable sessions make slots at UK wall-clock times, on their weekday, skipping cancelled dates. */
import { describe, expect, it } from 'vitest';

import { type Session, sessionDates, sessionFormSchema, slotsOn } from '../../shared/domain/timetable.js';

const tuesdays: Session = {
  sessionId: 's1',
  clinicId: 'leyland',
  service: 'physiotherapy',
  clinicianType: 'physiotherapist',
  weekday: 2,
  start: '09:00',
  end: '12:30',
  slotMinutes: 45,
  from: '2026-10-20',
  until: '2026-11-17',
  cancelledDates: ['2026-11-03'],
};

describe('timetable sessions', () => {
  it('runs on its weekday between from and until, leaving out cancelled dates', () => {
    expect(sessionDates(tuesdays, '2026-10-01', '2026-12-31')).toEqual(['2026-10-20', '2026-10-27', '2026-11-10', '2026-11-17']);
    expect(sessionDates({ ...tuesdays, until: undefined }, '2026-11-18', '2026-12-01')).toEqual(['2026-11-24', '2026-12-01']);
  });

  it('makes back-to-back slots that end by the session end, at UK times in summer and winter', () => {
    const summer = slotsOn(tuesdays, '2026-10-20'); // BST: 09:00 is 08:00Z
    expect(summer.map((s) => s.start)).toEqual([
      '2026-10-20T08:00:00.000Z',
      '2026-10-20T08:45:00.000Z',
      '2026-10-20T09:30:00.000Z',
      '2026-10-20T10:15:00.000Z',
    ]); // a fifth (12:00-12:45) would end after 12:30
    expect(slotsOn(tuesdays, '2026-11-10')[0]).toMatchObject({ start: '2026-11-10T09:00:00.000Z', lengthMinutes: 45, sessionId: 's1' });
  });

  it('refuses a session that ends before it starts, or runs until before it begins, field by field', () => {
    const form = { clinicId: 'leyland', service: 'physiotherapy', clinicianType: 'physiotherapist', weekday: '2', slotMinutes: '45' };
    const parsed = sessionFormSchema.safeParse({ ...form, start: '12:00', end: '09:00', from: '2026-11-10', until: '2026-11-01' });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['end', 'The end must be after the start'],
      ['until', 'Until must be on or after from'],
    ]);
  });
});
