/**
 * Links in emails and texts: an opaque random id plus an HMAC over it, so that a guessed or
 * altered link is refused before anything is looked up. The task token never leaves DynamoDB.
 *
 * What is signed names the link's audience (a patient's text, or a staff email), so a patient's
 * link edited to the staff path is as unknown as a made-up one. A link carries a short tag of the
 * key that signed it, so the key can be rotated while links signed with the previous one still work.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type LinkAudience = 'patient' | 'staff';

// 96 random bits, a one-character key tag and an 88-bit MAC: unguessable, and short enough to
// leave room in a 160-character text (the tag took its character from the MAC, which had 96 bits).
const ID_BYTES = 12;
const SIGNATURE_BYTES = 11;

/** The keys links are checked against: the current one signs; the previous one is still accepted. */
export interface LinkKeyring {
  current: string;
  previous?: string;
}

/** 96 random bits, URL-safe (16 characters). */
export function newLinkId(): string {
  return randomBytes(ID_BYTES).toString('base64url');
}

/** One character naming a key without revealing it: which key to check a link against. */
export function keyTag(key: string): string {
  return createHash('sha256').update(`link-key:${key}`).digest('base64url').slice(0, 1);
}

function signature(id: string, audience: LinkAudience, key: string): Buffer {
  return createHmac('sha256', key).update(`link:${audience}:${id}`).digest().subarray(0, SIGNATURE_BYTES);
}

/** `<id>.<key tag><signature>`, the part of the URL that identifies the link. */
export function signLink(id: string, audience: LinkAudience, key: string): string {
  return `${id}.${keyTag(key)}${signature(id, audience, key).toString('base64url')}`;
}

/** The id inside a link signed for `audience` with one of the keys, or null for anything else. */
export function verifyLink(signed: string, audience: LinkAudience, keys: LinkKeyring): string | null {
  const match = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-])([A-Za-z0-9_-]{15})$/.exec(signed);
  if (!match) return null;
  const [, id, tag, given] = match as unknown as [string, string, string, string];
  // Compared as text: 88 bits in 15 characters leave 2 bits unused, and only the one spelling counts.
  const givenText = Buffer.from(given);
  // Both keys when their tags collide (one in 64 rotations).
  for (const key of [keys.current, keys.previous]) {
    if (!key || keyTag(key) !== tag) continue;
    const expected = Buffer.from(signature(id, audience, key).toString('base64url'));
    if (givenText.length === expected.length && timingSafeEqual(givenText, expected)) return id;
  }
  return null;
}
