/** What every staff form shares: free text, and how a posted form is read. (Who decides comes from the session.) */
import * as z from 'zod';

import { type FieldIssue, fieldIssues } from './field-issues.js';
import { hiddenCharacter } from './text.js';

/** A reason, advice or notes: optional unless a decision's rules ask for it. */
export const freeText = z
  .string()
  .trim()
  .normalize('NFC')
  .max(2000, { error: 'Must be 2000 characters or fewer' })
  .refine((s) => !hiddenCharacter(s, true), { error: 'Must not contain control characters or invisible formatting' });

/** Reads a posted form with `schema`; empty fields mean "not chosen". */
export function parseForm<S extends z.ZodType>(schema: S, form: Record<string, string>): z.output<S> | { issues: FieldIssue[] } {
  const present = Object.fromEntries(Object.entries(form).filter(([, v]) => v !== ''));
  const result = schema.safeParse(present, { reportInput: true });
  return result.success ? result.data : { issues: fieldIssues(result.error) };
}
