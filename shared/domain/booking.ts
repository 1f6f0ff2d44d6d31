/**
 * Booking rules without I/O: clinics and slots as staff load them, the window a patient may book
 * in, when to chase an unbooked patient, and when to remind before an appointment.
 */
import * as z from 'zod';

import type { Priority } from './referral.js';
import { SERVICES } from './screening.js';
import { DAY_MS as DAY, HOUR_MS as HOUR, MINUTE_MS } from './time.js';

const serviceIds = Object.keys(SERVICES) as [keyof typeof SERVICES, ...(keyof typeof SERVICES)[]];

export const clinicSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  address: z.string().trim().min(1).max(300),
  postcode: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/, { error: 'must be a UK postcode' }),
  services: z.array(z.enum(serviceIds)).min(1).max(serviceIds.length),
});
export type ClinicInput = z.output<typeof clinicSchema>;
export interface Clinic extends ClinicInput {
  clinicId: string;
}

export const clinicIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,40}$/, { error: 'must be 2-41 lower-case letters, digits and hyphens' });

export const CLINICIAN_TYPES = [
  'physiotherapist',
  'advanced-practitioner',
  'podiatrist',
  'rheumatologist',
  'pain-specialist',
  'orthopaedic-practitioner',
] as const;

export const slotInputSchema = z.strictObject({
  clinicId: clinicIdSchema,
  service: z.enum(serviceIds),
  start: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, such as 2026-12-01T09:30:00Z' }),
  lengthMinutes: z.number().int().min(5).max(240),
  clinicianType: z.enum(CLINICIAN_TYPES),
});
export const slotsRequestSchema = z.strictObject({ slots: z.array(slotInputSchema).min(1).max(500) });
export type SlotInput = z.output<typeof slotInputSchema>;

export interface Slot extends SlotInput {
  slotId: string;
  /** The timetable session that made it, if one did. */
  sessionId?: string;
  /** Cancelled by the clinic: no longer offered, and its booking (if any) moved back to be rebooked. */
  cancelledAt?: string;
  bookedBy?: string;
}

/** A slot is named by its clinic and start, so the same slot cannot be loaded twice. */
export function slotIdOf(clinicId: string, start: string): string {
  return `${clinicId}#${new Date(start).toISOString()}`;
}

/** The latest a patient may be seen: urgent within 5 days, routine within 4 weeks (configurable). */
export function bookingWindowEnd(
  acceptedAt: Date,
  priority: Exclude<Priority, 'emergency'>,
  days: { urgent: number; routine: number },
): string {
  return new Date(acceptedAt.getTime() + days[priority] * DAY).toISOString();
}

export type BookingChase = 'chaser' | 'give-up' | 'none';

/**
 * What the booking timer must do when it fires, given the days since the invitation: a chaser at
 * each of `chaserDays` (once each), then give up at `giveUpDays`. Also how long to wait next.
 */
export function bookingTimer(
  invitedAt: string,
  chasersSent: number,
  now: Date,
  chaserDays: number[],
  giveUpDays: number,
): { action: BookingChase; nextInSeconds: number } {
  const elapsed = now.getTime() - Date.parse(invitedAt);
  const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
  const dueChasers = chaserDays.filter((d) => d * DAY <= elapsed).length;
  let action: BookingChase = 'none';
  if (elapsed >= giveUpDays * DAY) action = 'give-up';
  else if (dueChasers > chasersSent) action = 'chaser';
  const sentAfter = action === 'chaser' ? chasersSent + 1 : chasersSent;
  const next = [...chaserDays.slice(sentAfter), giveUpDays].map((d) => d * DAY - elapsed).find((ms) => ms > 0);
  return { action, nextInSeconds: seconds(next ?? DAY) };
}

/** The first wait after an invitation. */
export function firstBookingWaitSeconds(chaserDays: number[], giveUpDays: number): number {
  return Math.ceil((Math.min(...chaserDays, giveUpDays) * DAY) / 1000);
}

export function appointmentReminderAt(start: string, reminderHours: number): string {
  return new Date(Date.parse(start) - reminderHours * HOUR).toISOString();
}

export function appointmentEnd(start: string, lengthMinutes: number): string {
  return new Date(Date.parse(start) + lengthMinutes * MINUTE_MS).toISOString();
}

/**
 * The latest an appointment may start for a referral received at `receivedAt`: its workflow (one
 * Step Functions execution, ended by AWS after 365 days) must still be running to remind the
 * patient and ask for the outcome. A week before the limit leaves the appointment, the outcome
 * step's first timer and its failure path inside it.
 */
export const LATEST_APPOINTMENT_DAYS = 358;

export function latestAppointmentStart(receivedAt: string): string {
  return new Date(Date.parse(receivedAt) + LATEST_APPOINTMENT_DAYS * DAY).toISOString();
}
