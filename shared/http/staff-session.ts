/**
 * Staff sign-in for browsers. In AWS: Cognito's hosted UI (authorization code with PKCE) for the
 * staff pool; the ID token it returns is kept in an HttpOnly cookie, and a Lambda authorizer
 * accepts it from the cookie or from an `Authorization: Bearer` header (scripts, spreadsheets).
 * Locally the runtime stands in for the hosted UI, as DynamoDB Local stands in for DynamoDB.
 */
import { createHash, randomBytes } from 'node:crypto';

type Headers = Record<string, string | undefined>;

/** A header by name, whatever its case (kept here so that the local server can use this module alone). */
function header(headers: Headers | null | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** The staff session: the ID token, HttpOnly so page scripts (there are none) could not read it. */
export const SESSION_COOKIE = 'msk_staff';
/** State and PKCE verifier between the redirect to the sign-in page and the return from it. */
export const SIGN_IN_COOKIE = 'msk_sign_in';

export function cookie(event: { headers: Headers | null }, name: string): string | undefined {
  for (const part of (header(event.headers, 'cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** The bearer token from the Authorization header, else from the session cookie. */
export function staffToken(event: { headers: Headers | null }): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(header(event.headers, 'authorization') ?? '')?.[1];
  return bearer ?? cookie(event, SESSION_COOKIE);
}

export function setCookie(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=${maxAgeSeconds}`;
}

/** A fresh sign-in: the state to check on return, and the PKCE verifier and its challenge. */
export function newSignIn(): { state: string; verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return {
    state: randomBytes(16).toString('base64url'),
    verifier,
    challenge: createHash('sha256').update(verifier).digest('base64url'),
  };
}
