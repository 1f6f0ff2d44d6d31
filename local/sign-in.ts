/**
 * A stand-in for Cognito's OAuth endpoints (/oauth2/authorize and /oauth2/token), so that the same
 * code runs locally. Staff sign-in: the local user is signed in at once, PKCE is checked as Cognito
 * checks it, and the "ID token" is the local staff token. Referring systems: the client credentials
 * grant, with the local client's id and secret in HTTP Basic, answers the local referrer token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { type LocalAnswer, readBody } from './server.js';

export const LOCAL_STAFF_CLIENT_ID = 'local-dashboard';
/** The local referring system's client secret (its id is LOCAL_REFERRER_CLIENT_ID). */
export const DEFAULT_REFERRER_CLIENT_SECRET = 'local-referrer-secret';

export interface LocalOAuthOptions {
  staffToken: string;
  /** The referring system's client, and the token the local API accepts from it. */
  referrer: { clientId: string; clientSecret: string; token: string; scope: string };
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Cognito's client credentials grant: Basic client id and secret, the resource server's scope. */
function clientCredentials(req: IncomingMessage, form: URLSearchParams, referrer: LocalOAuthOptions['referrer']): LocalAnswer {
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const [id = '', secret = ''] = Buffer.from(basic, 'base64').toString('utf8').split(':');
  if (!same(id, referrer.clientId) || !same(secret, referrer.clientSecret)) return { status: 401, body: { error: 'invalid_client' } };
  if ((form.get('scope') ?? referrer.scope) !== referrer.scope) return { status: 400, body: { error: 'invalid_scope' } };
  return { status: 200, body: { access_token: referrer.token, token_type: 'Bearer', expires_in: 3600 } };
}

export function localOAuth({ staffToken, referrer }: LocalOAuthOptions) {
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
      // As Cognito: a missing grant type is a malformed request, an unknown one unsupported.
      if (!form.get('grant_type')) return { status: 400, body: { error: 'invalid_request' } };
      if (form.get('grant_type') === 'client_credentials') return clientCredentials(req, form, referrer);
      if (form.get('grant_type') !== 'authorization_code') return { status: 400, body: { error: 'unsupported_grant_type' } };
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
