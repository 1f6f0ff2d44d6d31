/**
 * GET /staff/sign-in?return=/path: off to the staff pool's sign-in page (authorization code with
 * PKCE). GET /staff/signed-in: back from it; the code is exchanged for the ID token, kept in an
 * HttpOnly cookie, and the browser goes back to the page that sent it (a path on this service
 * only), or to the workspace. POST /staff/sign-out: the cookie is cleared and the staff pool's own
 * session ended (its /logout), which comes back to GET /staff/signed-out.
 */
import { config } from '../../shared/config.js';
import { HttpError } from '../../shared/http/api.js';
import { crossSiteRefusal, pageHandler } from '../../shared/http/pages.js';
import { safeReturnPath, signedOutPage, signOutPage } from '../../shared/http/staff-pages.js';
import { cookie, newSignIn, SESSION_COOKIE, setCookie, SIGN_IN_COOKIE } from '../../shared/http/staff-session.js';

const redirect = (location: string, cookies: string[]) => ({
  statusCode: 302,
  headers: { Location: location, 'Cache-Control': 'no-store' },
  multiValueHeaders: { 'Set-Cookie': cookies },
  body: '',
});

export const handler = pageHandler(async (event) => {
  const { STAFF_AUTH_URL: authUrl, STAFF_CLIENT_ID: clientId, PUBLIC_BASE_URL: base } = config();
  if (!authUrl || !clientId) throw new HttpError(404, 'not_found', 'staff sign-in is not configured');
  const redirectUri = `${base}/staff/signed-in`;

  if (event.resource === '/staff/signed-out') return signedOutPage();
  if (event.resource === '/staff/sign-out') {
    if (event.httpMethod !== 'POST') return signOutPage();
    const refused = crossSiteRefusal(event);
    if (refused) return refused;
    // The cookie goes here; the staff pool's own session (which would sign them straight back in)
    // goes at its /logout, which returns to a URL the app client lists.
    const logout = new URLSearchParams({ client_id: clientId, logout_uri: `${base}/staff/signed-out` });
    return redirect(`${authUrl}/logout?${logout}`, [setCookie(SESSION_COOKIE, '', 0), setCookie(SIGN_IN_COOKIE, '', 0)]);
  }

  if (event.resource === '/staff/sign-in') {
    const { state, verifier, challenge } = newSignIn();
    const back = Buffer.from(safeReturnPath(event.queryStringParameters?.return)).toString('base64url');
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    return redirect(`${authUrl}/oauth2/authorize?${query}`, [setCookie(SIGN_IN_COOKIE, `${state}.${verifier}.${back}`, 600)]);
  }

  const [state, verifier, back = ''] = (cookie(event, SIGN_IN_COOKIE) ?? '').split('.');
  const params = event.queryStringParameters ?? {};
  if (!state || !verifier || !params.code || params.state !== state)
    throw new HttpError(400, 'sign_in_failed', 'That sign-in did not finish. Please start again from the sign-in link.');
  const response = await fetch(`${authUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: clientId,
      code: params.code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    }),
  });
  const tokens = (await response.json().catch(() => ({}))) as { id_token?: string; expires_in?: number };
  if (!response.ok || !tokens.id_token) throw new HttpError(401, 'sign_in_failed', 'Sign-in was not accepted. Please start again.');
  // Checked again on the way out: the cookie came back from the browser.
  return redirect(`${base}${safeReturnPath(Buffer.from(back, 'base64url').toString('utf8'))}`, [
    setCookie(SESSION_COOKIE, tokens.id_token, tokens.expires_in ?? 3600),
    setCookie(SIGN_IN_COOKIE, '', 0),
  ]);
});
