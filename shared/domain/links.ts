/**
 * Links in emails and texts: an opaque random id plus an HMAC over it, so that a guessed or
 * altered link is refused before anything is looked up. The task token never leaves DynamoDB.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// 96 random bits and a 96-bit MAC: unguessable, and short enough to leave room in a 160-character text.
const ID_BYTES = 12;
const SIGNATURE_BYTES = 12;

/** 96 random bits, URL-safe (16 characters). */
export function newLinkId(): string {
  return randomBytes(ID_BYTES).toString('base64url');
}

function signature(id: string, key: string): Buffer {
  return createHmac('sha256', key).update(`link:${id}`).digest().subarray(0, SIGNATURE_BYTES);
}

/** `<id>.<signature>`, the part of the URL that identifies the link. */
export function signLink(id: string, key: string): string {
  return `${id}.${signature(id, key).toString('base64url')}`;
}

/** The id inside a signed link, or null for anything not signed with `key`. */
export function verifyLink(signed: string, key: string): string | null {
  const match = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{16})$/.exec(signed);
  if (!match) return null;
  const given = Buffer.from(match[2]!, 'base64url');
  const expected = signature(match[1]!, key);
  return given.length === expected.length && timingSafeEqual(given, expected) ? match[1]! : null;
}
