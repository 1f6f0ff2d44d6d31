/**
 * Pages for signed-in staff: the workspace, and the decision pages that email links open. The
 * session cookie is checked here (not by an API Gateway authorizer) so that a browser without one
 * is sent to sign in and brought back to the same page. Every form carries a token bound to the
 * session (and a cross-site request is refused outright), so the cookie alone cannot post a
 * decision from another site.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

import { config } from '../config.js';
import { hasRole, type StaffRole, type StaffUser } from '../domain/staff.js';
import { ukNational } from '../domain/uk-mobile.js';
import { adapters } from '../ports/index.js';
import { html, messagePage, page, type SafeHtml } from './html.js';
import { crossSite, crossSitePage, formBody, pageHandler } from './pages.js';
import { staffToken } from './staff-session.js';

export interface StaffSession {
  user: StaffUser;
  /** The form token for this session: put it in every form (`csrfField`). */
  csrf: string;
}

/** Where to go after sign-in: a path on this service only (never a full URL: no open redirects). */
export function safeReturnPath(value: string | undefined): string {
  // Control characters refused too: a header split is not a path.
  // eslint-disable-next-line no-control-regex
  if (!value || !value.startsWith('/') || value.startsWith('//') || /[\\\s\x00-\x1f]/.test(value)) return '/staff';
  return value;
}

export function signInRedirect(returnPath: string): APIGatewayProxyResult {
  const query = new URLSearchParams({ return: safeReturnPath(returnPath) });
  return {
    statusCode: 302,
    headers: { Location: `${config().PUBLIC_BASE_URL}/staff/sign-in?${query}`, 'Cache-Control': 'no-store' },
    body: '',
  };
}

const formToken = (key: string, sessionToken: string) => createHmac('sha256', key).update(`csrf:${sessionToken}`).digest('base64url');

/** The form token of a session: an HMAC of the session token, so it cannot be made without it. */
export async function csrfFor(sessionToken: string): Promise<string> {
  return formToken((await adapters().linkKeys.keyring()).current, sessionToken);
}

/** A posted form token: this session's, made with the current key or (a page opened before a key rotation) the previous one. */
async function formTokenHolds(posted: string, sessionToken: string): Promise<boolean> {
  const { current, previous } = await adapters().linkKeys.keyring();
  return [current, previous].some((key) => key !== undefined && same(posted, formToken(key, sessionToken)));
}

export const csrfField = (session: StaffSession): SafeHtml => html`<input type="hidden" name="csrf" value="${session.csrf}">`;

/** Numbers to call, each a tel: link (a click dials from a softphone), written as people read them. */
export const telephoneLinks = (numbers: string[]): SafeHtml | string =>
  numbers.length
    ? html`${numbers.map((n, i) => html`${i ? html`<br>` : ''}<a href="tel:${n}">${ukNational(n)}</a>`)}`
    : 'No number on the referral';

/** The sign-out button: a form, so that only a page of this service can sign someone out. */
export const signOutButton = html`<form method="post" action="/staff/sign-out" class="sign-out">
<button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit">Sign out</button></form>`;

/** Who is signed in, and the way out, at the top of every staff page. */
export const signedInAs = (session: StaffSession, detail: SafeHtml | string = '') =>
  html`<div class="nhsuk-body-s signed-in"><p>Signed in as <strong>${session.user.name}</strong>${detail}</p>${signOutButton}</div>`;

export const signOutPage = () =>
  page({ title: 'Sign out', content: html`<h1>Sign out</h1><p>Sign out of the staff workspace on this device.</p>${signOutButton}` });

export const signedOutPage = () =>
  page({
    title: 'You have signed out',
    content: html`<h1>You have signed out</h1>
<p>Close the browser if this is a shared computer.</p>
<p><a href="/staff/sign-in">Sign in again</a></p>`,
  });

const same = (a: string, b: string) => {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
};

export const forbiddenPage = (roles: readonly (StaffRole | 'any staff role')[]) =>
  messagePage(
    403,
    'You cannot do this',
    `This page is for staff with the role: ${roles.join(' or ')}. Ask your service lead if you need it.`,
  );

/**
 * A page for signed-in staff with one of `roles` (any role if none are named). A GET without a
 * session goes to sign-in and back; a POST must carry this session's form token.
 */
export function staffPageHandler(
  fn: (event: APIGatewayProxyEvent, session: StaffSession, form: Record<string, string>) => Promise<APIGatewayProxyResult>,
  roles: readonly StaffRole[] = [],
) {
  return pageHandler(async (event) => {
    const token = staffToken({ headers: event.headers as Record<string, string> });
    const user = await adapters().staffIdentity.verify(token);
    const isPost = event.httpMethod === 'POST';
    if (!user || !token) {
      if (isPost)
        return messagePage(401, 'Please sign in again', 'Your session has ended. Sign in and open the page again; nothing was changed.');
      const query = new URLSearchParams((event.queryStringParameters ?? {}) as Record<string, string>).toString();
      return signInRedirect(`${event.path}${query ? `?${query}` : ''}`);
    }
    const session = { user, csrf: await csrfFor(token) };
    let form: Record<string, string> = {};
    if (isPost) {
      form = formBody(event);
      if (crossSite(event) || !(await formTokenHolds(form.csrf ?? '', token))) return crossSitePage();
      delete form.csrf;
    }
    // Signed in but in no group: a staff-pool account that has not been given a role yet.
    if (!user.roles.length) return forbiddenPage(['any staff role']);
    if (roles.length && !hasRole(user, ...roles)) return forbiddenPage(roles);
    return fn(event, session, form);
  });
}
