/**
 * A stand-in for the staff pool's hosted sign-in (Cognito's /oauth2/authorize and /oauth2/token),
 * so that the same sign-in handler runs locally: the local user is signed in at once, PKCE is
 * checked as Cognito checks it, and the "ID token" is the local staff token.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readBody, type LocalAnswer } from './server.js';
import type { IncomingMessage } from 'node:http';

export const LOCAL_STAFF_CLIENT_ID = 'local-dashboard';

export function localSignIn(staffToken: string) {
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  return {
    'GET /local/oauth2/authorize': (_req: IncomingMessage, url: URL): LocalAnswer => {
      const q = url.searchParams;
      const redirectUri = q.get('redirect_uri') ?? '';
      if (
        q.get('client_id') !== LOCAL_STAFF_CLIENT_ID ||
        q.get('code_challenge_method') !== 'S256' ||
        !q.get('code_challenge') ||
        !redirectUri
      )
        return { status: 400, body: { error: 'invalid_request' } };
      const code = randomBytes(16).toString('base64url');
      codes.set(code, { challenge: q.get('code_challenge')!, redirectUri });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      return { status: 302, body: '', headers: { Location: back.toString() } };
    },
    'POST /local/oauth2/token': async (req: IncomingMessage): Promise<LocalAnswer> => {
      const body = await readBody(req);
      const form = new URLSearchParams(body === 'too_large' ? '' : body.toString());
      const issued = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verified =
        issued &&
        createHash('sha256')
          .update(form.get('code_verifier') ?? '')
          .digest('base64url') === issued.challenge;
      if (!verified || form.get('redirect_uri') !== issued.redirectUri) return { status: 400, body: { error: 'invalid_grant' } };
      return { status: 200, body: { id_token: staffToken, token_type: 'Bearer', expires_in: 3600 } };
    },
  };
}
