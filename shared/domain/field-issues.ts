/**
 * A bad field and what is wrong with it: one shape for every answer that refuses input (API JSON,
 * a page's errors beside their fields), made by the rules and shown by the web layer.
 */
import type { z } from 'zod';

export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * zod issues as `{ path: "patient.nhsNumber", message }`, one per bad field. Parse with
 * `reportInput: true` so that a missing field reads "is required".
 */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...base, key].join('.'), message: 'is not a recognised field' }));
    }
    let message = issue.message;
    // zod's own wording for a missing field, not a message a schema chose.
    if (issue.code === 'invalid_type' && issue.input === undefined && message.startsWith('Invalid input')) message = 'is required';
    return [{ path: base.length ? base.join('.') : '(body)', message }];
  });
}
