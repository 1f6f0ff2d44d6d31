/**
 * Durations and UK time, in one place. Instants are stored as UTC ISO strings; people read them in
 * the service's zone (Europe/London, with its summer time), whatever zone the server runs in.
 * The current time itself comes from `shared/clock.ts`, so that tests and the local runtime can
 * move it.
 */
export const SERVICE_TIME_ZONE = 'Europe/London';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const HOUR_SECONDS = 3_600;
export const DAY_SECONDS = 86_400;

/** `at` plus a number of hours (or days), as an ISO instant. */
export const hoursAfter = (at: Date | string, hours: number): string => new Date(new Date(at).getTime() + hours * HOUR_MS).toISOString();
export const daysAfter = (at: Date | string, days: number): string => new Date(new Date(at).getTime() + days * DAY_MS).toISOString();

const uk = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-GB', { timeZone: SERVICE_TIME_ZONE, ...options });
const dateAndTime = uk({ dateStyle: 'medium', timeStyle: 'short' });
const slot = uk({ weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const day = uk({ weekday: 'long', day: 'numeric', month: 'long' });
const clock = uk({ hour: '2-digit', minute: '2-digit' });
const isoDay = new Intl.DateTimeFormat('en-CA', { timeZone: SERVICE_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** "23 Nov 2026, 14:05": a time as people in the service read it. */
export const ukTime = (iso: string): string => dateAndTime.format(new Date(iso));
/** "Tue 1 Dec, 09:30": short enough for an SMS. */
export const slotTime = (iso: string): string => slot.format(new Date(iso));
/** "Tuesday 1 December": a heading over a day's appointments. */
export const ukDay = (iso: string): string => day.format(new Date(iso));
/** "2026-11-23": the UK calendar date of an instant (a day's allowance, a day's figures). */
export const ukDate = (iso: string): string => isoDay.format(new Date(iso));
/** "09:30". */
export const ukClockTime = (iso: string): string => clock.format(new Date(iso));
