/** What every staff form shares: the person's name, free text, and how a posted form is read. */
import * as z from 'zod';

import { type FieldIssue, fieldIssues } from './field-issues.js';

/** The name a person types on a decision page (recorded with the decision). */
export const staffName = z
  .string({ error: 'Enter your name' })
  .trim()
  .min(2, { error: 'Enter your name' })
  .max(100, { error: 'Name must be 100 characters or fewer' });

/** A reason, advice or notes: optional unless a decision's rules ask for it. */
export const freeText = z.string().trim().max(2000, { error: 'Must be 2000 characters or fewer' });

/** Reads a posted form with `schema`; empty fields mean "not chosen". */
export function parseForm<S extends z.ZodType>(schema: S, form: Record<string, string>): z.output<S> | { issues: FieldIssue[] } {
  const present = Object.fromEntries(Object.entries(form).filter(([, v]) => v !== ''));
  const result = schema.safeParse(present, { reportInput: true });
  return result.success ? result.data : { issues: fieldIssues(result.error) };
}
