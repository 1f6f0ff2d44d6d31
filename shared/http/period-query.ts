/** The reporting period as the dashboard and the figures API read it from the query string. */
import { DateTime } from 'luxon';
import * as z from 'zod';

import { DEFAULT_PERIOD_DAYS, MAX_PERIOD_DAYS, ukDate } from '../domain/figures.js';

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
