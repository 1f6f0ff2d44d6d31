/**
 * Clinic timetables: a session is a recurring template ("every Tuesday 09:00-12:30, 45-minute
 * physiotherapy slots, from a date, until a date") that makes bookable slots a number of weeks
 * ahead. Times are UK wall-clock times: a 09:00 session is at 09:00 in winter and in summer.
 */
import { DateTime } from 'luxon';
import * as z from 'zod';

import { CLINICIAN_TYPES, clinicIdSchema, type SlotInput } from './booking.js';
import { SERVICES } from './screening.js';
import { SERVICE_TIME_ZONE } from './time.js';

export const WEEKDAYS = { 1: 'Monday', 2: 'Tuesday', 3: 'Wednesday', 4: 'Thursday', 5: 'Friday', 6: 'Saturday', 7: 'Sunday' } as const;

const time = z.string({ error: 'Enter a time like 09:00' }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'Enter a time like 09:00' });
const date = z.iso.date({ error: 'Enter a date' });
const serviceIds = Object.keys(SERVICES) as [keyof typeof SERVICES, ...(keyof typeof SERVICES)[]];

/** A session as the service lead's form posts it (every field a string). */
export const sessionFormSchema = z
  .object({
    clinicId: clinicIdSchema,
    service: z.enum(serviceIds, { error: 'Choose a service' }),
    clinicianType: z.enum(CLINICIAN_TYPES, { error: 'Choose who sees patients' }),
    weekday: z.coerce.number({ error: 'Choose a day' }).int().min(1, { error: 'Choose a day' }).max(7),
    start: time,
    end: time,
    slotMinutes: z.coerce.number({ error: 'Enter the length of an appointment in minutes' }).int().min(5).max(240),
    from: date,
    until: date.optional(),
  })
  .superRefine((s, ctx) => {
    if (s.end <= s.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'The end must be after the start' });
    if (s.until && s.until < s.from) ctx.addIssue({ code: 'custom', path: ['until'], message: 'Until must be on or after from' });
  });
export type SessionInput = z.output<typeof sessionFormSchema>;

export interface Session extends SessionInput {
  sessionId: string;
  /** Dates (YYYY-MM-DD) on which this session was cancelled: no slots are made for them. */
  cancelledDates: string[];
  /** The last date (UK) whose slots are made; the daily top-up makes only the days after it. */
  slotsMadeUntil?: string;
}

/** The dates (UK) in [fromDay, toDay] on which the session runs. */
export function sessionDates(session: Session, fromDay: string, toDay: string): string[] {
  const first = DateTime.max(DateTime.fromISO(session.from), DateTime.fromISO(fromDay));
  const last = session.until ? DateTime.min(DateTime.fromISO(session.until), DateTime.fromISO(toDay)) : DateTime.fromISO(toDay);
  const dates: string[] = [];
  for (let d = first.plus({ days: (session.weekday - first.weekday + 7) % 7 }); d <= last; d = d.plus({ weeks: 1 })) {
    const iso = d.toISODate()!;
    if (!session.cancelledDates.includes(iso)) dates.push(iso);
  }
  return dates;
}

/** The slots of the session on one date: back to back from the start, each ending by the end. */
export function slotsOn(session: Session, day: string): (SlotInput & { sessionId: string })[] {
  const at = (hhmm: string) => DateTime.fromISO(`${day}T${hhmm}`, { zone: SERVICE_TIME_ZONE });
  const end = at(session.end);
  const slots: (SlotInput & { sessionId: string })[] = [];
  for (let t = at(session.start); t.plus({ minutes: session.slotMinutes }) <= end; t = t.plus({ minutes: session.slotMinutes })) {
    slots.push({
      clinicId: session.clinicId,
      service: session.service,
      start: t.toUTC().toISO({ suppressMilliseconds: false })!,
      lengthMinutes: session.slotMinutes,
      clinicianType: session.clinicianType,
      sessionId: session.sessionId,
    });
  }
  return slots;
}
