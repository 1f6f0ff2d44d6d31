/** The reporting period as the dashboard and the figures API read it from the query string. */
import { DateTime } from 'luxon';
import * as z from 'zod';

import { DEFAULT_PERIOD_DAYS, MAX_PERIOD_DAYS, ukDate } from '../domain/figures.js';
import { SERVICE_TIME_ZONE } from '../domain/time.js';

const ukDateString = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((d) => DateTime.fromISO(d).isValid, 'is not a real date');

/** `?from=YYYY-MM-DD&to=YYYY-MM-DD` (UK dates, `to` included); both default to the last four weeks. */
export const periodQuerySchema = (today: Date) =>
  z
    .object({
      from: ukDateString.default(ukDate(today, DEFAULT_PERIOD_DAYS - 1)),
      to: ukDateString.default(ukDate(today)),
    })
    .check((ctx) => {
      const { from, to } = ctx.value;
      const days = DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days;
      if (days < 0) ctx.issues.push({ code: 'custom', path: ['to'], message: 'must not be before from', input: to });
      else if (days >= MAX_PERIOD_DAYS)
        ctx.issues.push({ code: 'custom', path: ['to'], message: `the period may be at most ${MAX_PERIOD_DAYS} days`, input: to });
    });

/**
 * `?weekEnding=YYYY-MM-DD` for the weekly waiting-list return: a Sunday (UK weeks run Monday to
 * Sunday) whose week has ended; default the last complete week. The snapshot is as of the end of
 * that Sunday, UK time (`weekEndInstant`).
 */
export const weekEndingQuerySchema = (today: Date) => {
  const todayUk = DateTime.fromJSDate(today, { zone: SERVICE_TIME_ZONE }).startOf('day');
  // Luxon's weekday: Monday 1 ... Sunday 7. On a Sunday, that week has not ended yet.
  const lastSunday = todayUk.minus({ days: todayUk.weekday % 7 || 7 }).toISODate()!;
  return z.object({
    weekEnding: ukDateString
      .check((ctx) => {
        const date = DateTime.fromISO(ctx.value);
        // Only a real date is checked further: one message a field.
        if (!/^\d{4}-\d{2}-\d{2}$/.test(ctx.value) || !date.isValid) return;
        const message =
          date.weekday !== 7
            ? 'must be a Sunday (a week ends on Sunday)'
            : ctx.value > lastSunday
              ? `must be a Sunday whose week has ended (the latest is ${lastSunday})`
              : undefined;
        if (message) ctx.issues.push({ code: 'custom', message, input: ctx.value });
      })
      .default(lastSunday),
  });
};

/** The last millisecond of a UK date: the end of that day, whatever the clocks did. */
export const endOfUkDay = (date: string): Date =>
  new Date(DateTime.fromISO(date, { zone: SERVICE_TIME_ZONE }).plus({ days: 1 }).startOf('day').toMillis() - 1);
