/**
 * Text that people type, before it is stored and shown to others: composed (NFC, so "é" is one
 * character whichever way it was typed) and free of characters that hide or reorder what a reader
 * sees (controls, bidirectional overrides such as U+202E, zero-width spaces). Line breaks and tabs
 * are allowed only where a field is multi-line.
 */
import * as z from 'zod';

// Controls, format characters (bidi overrides, zero-width), line/paragraph separators, private-use,
// unassigned and lone surrogate code points, and every character Unicode says to draw as nothing
// (variation selectors, Hangul fillers, U+034F...). Multi-line fields keep line breaks, tabs, and
// the zero-width joiner and emoji presentation selector that emoji are written with.
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}\p{Default_Ignorable_Code_Point}]/u;
const ALLOWED = { single: new Set<string>(), multi: new Set(['\u200d', '\ufe0f', '\t', '\n', '\r']) };

export const HIDDEN_CHARACTERS_MESSAGE = 'must not contain control characters or invisible formatting (such as U+202E or U+200B)';

/** The first hidden character not allowed in such a field, if any. */
export function hiddenCharacter(value: string, multiline: boolean): string | undefined {
  const allowed = ALLOWED[multiline ? 'multi' : 'single'];
  for (const char of value) if (HIDDEN.test(char) && !allowed.has(char)) return char;
  return undefined;
}

/** A typed text field: trimmed, NFC, bounded, with no hidden characters. */
export function typedText(options: {
  max: number;
  multiline?: boolean;
  emptyMessage?: string;
  maxMessage?: string;
  typeError?: z.core.$ZodErrorMap;
}) {
  return z
    .string({ error: options.typeError })
    .trim()
    .normalize('NFC')
    .min(1, { error: options.emptyMessage ?? 'must not be empty' })
    .max(options.max, { error: options.maxMessage ?? `must be at most ${options.max} characters` })
    .refine((s) => !hiddenCharacter(s, options.multiline ?? false), { error: HIDDEN_CHARACTERS_MESSAGE });
}

/**
 * A given name as a text may greet with it: letters (any alphabet, with accents), and hyphens or
 * apostrophes inside. Anything else (a URL, digits, symbols from a public form) and the text
 * greets no one by name.
 */
export function greetableName(givenName: string | undefined): string | undefined {
  const first = givenName?.trim().split(/\s+/)[0];
  return first && /^\p{L}\p{M}*(?:['’-]?\p{L}\p{M}*)*$/u.test(first) ? first : undefined;
}
