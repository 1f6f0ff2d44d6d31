/**
 * A stand-in for Cognito's OAuth endpoints (/oauth2/authorize and /oauth2/token), so that the same
 * code runs locally. Staff sign-in: a page to choose who to sign in as (a person per role), PKCE
 * checked as Cognito checks it, and a session token the local runtime verifies. Referring systems: the client credentials
 * grant, with the local client's id and secret in HTTP Basic, answers the local referrer token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { STAFF_ROLES, type StaffUser } from '../shared/domain/staff.js';
import { html, page } from '../shared/http/html.js';
import { type LocalAnswer, readBody } from './server.js';
import { LOCAL_STAFF, type LocalStaffIdentity } from './staff-identity.js';

export const LOCAL_STAFF_CLIENT_ID = 'local-dashboard';
/** The local referring system's client secret (its id is LOCAL_REFERRER_CLIENT_ID). */
export const DEFAULT_REFERRER_CLIENT_SECRET = 'local-referrer-secret';

export interface LocalOAuthOptions {
  /** Issues the session token of the person chosen. */
  identity: LocalStaffIdentity;
  /**
   * Where a sign-in may return to: this service's own page, as the staff pool's app client lists it
   * (infra/constructs/api.ts). Any other is refused, so a sign-in never hands its code elsewhere.
   */
  callbackUrl: string;
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

/** The stand-in's sign-in page: one button per local person (a role each). */
function chooser(q: URLSearchParams): LocalAnswer {
  const hidden = ['client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method'].map(
    (name) => html`<input type="hidden" name="${name}" value="${q.get(name) ?? ''}">`,
  );
  const buttons = LOCAL_STAFF.map(
    (user) =>
      html`<button class="nhsuk-button nhsuk-button--secondary" type="submit" name="user" value="${user.id}">
${user.name} (${user.roles.map((r) => STAFF_ROLES[r]).join(', ')})</button> `,
  );
  const answer = page({
    title: 'Sign in (local)',
    content: html`<h1>Sign in</h1>
<p>This is the local stand-in for the staff pool's sign-in page. Choose who to sign in as; each has one role.</p>
<form method="post">${hidden}<div class="nhsuk-button-group">${buttons}</div></form>`,
  });
  return { status: 200, body: answer.body, headers: answer.headers as Record<string, string> };
}

export function localOAuth({ identity, referrer, callbackUrl }: LocalOAuthOptions) {
  const codes = new Map<string, { challenge: string; redirectUri: string; user: StaffUser }>();
  /** As Cognito: a redirect_uri that is not the client's callback URL is refused before anything else. */
  const refusal = (q: URLSearchParams): LocalAnswer | undefined => {
    if (q.get('redirect_uri') !== callbackUrl) return { status: 400, body: { error: 'redirect_mismatch' } };
    const valid = q.get('client_id') === LOCAL_STAFF_CLIENT_ID && q.get('code_challenge_method') === 'S256' && q.get('code_challenge');
    return valid ? undefined : { status: 400, body: { error: 'invalid_request' } };
  };
  return {
    'GET /local/oauth2/authorize': (_req: IncomingMessage, url: URL): LocalAnswer => refusal(url.searchParams) ?? chooser(url.searchParams),
    'POST /local/oauth2/authorize': async (req: IncomingMessage): Promise<LocalAnswer> => {
      const body = await readBody(req);
      const q = new URLSearchParams(body === 'too_large' ? '' : body.toString());
      const refused = refusal(q);
      if (refused) return refused;
      const user = LOCAL_STAFF.find((u) => u.id === q.get('user'));
      if (!user) return { status: 400, body: { error: 'invalid_request' } };
      const code = randomBytes(16).toString('base64url');
      codes.set(code, { challenge: q.get('code_challenge')!, redirectUri: q.get('redirect_uri')!, user });
      const back = new URL(q.get('redirect_uri')!);
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
      return { status: 200, body: { id_token: identity.mint(issued.user), token_type: 'Bearer', expires_in: 3600 } };
    },
    // Cognito's /logout: ends the pool's own session and returns to a logout URL of the app client.
    'GET /local/logout': (req: IncomingMessage, url: URL): LocalAnswer => {
      const back = url.searchParams.get('logout_uri') ?? '';
      const ours = URL.canParse(back) && new URL(back).host === req.headers.host;
      if (url.searchParams.get('client_id') !== LOCAL_STAFF_CLIENT_ID || !ours) return { status: 400, body: { error: 'invalid_request' } };
      return { status: 302, body: '', headers: { Location: back } };
    },
  };
}
