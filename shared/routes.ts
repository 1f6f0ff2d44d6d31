/**
 * The HTTP API, written once: CDK builds API Gateway resources and methods from it, and the local
 * server routes requests by it.
 */
import type { FunctionName } from './functions.js';

/**
 * `referrer`: a referrer's OAuth token with the referrals scope. `staff`: a staff user's token,
 * checked by the staff authorizer (APIs: 401 without it). `session`: staff pages whose handler
 * checks the session itself, so that a browser without one is sent to sign in and back (the
 * decision pages behind emailed links, the workspace). `link`: no login; the signed, expiring link
 * in the URL is the capability (patients' pages), checked by the handler. `public`: anyone.
 */
export type RouteAuth = 'referrer' | 'staff' | 'session' | 'link' | 'public';

export interface Route {
  method: 'GET' | 'POST' | 'PUT';
  /** API Gateway style: `{name}` is a path parameter. */
  path: string;
  function: FunctionName;
  auth: RouteAuth;
}

export const routes: readonly Route[] = [
  { method: 'POST', path: '/referrals', function: 'createReferral', auth: 'referrer' },
  { method: 'GET', path: '/referrals/{id}', function: 'getReferral', auth: 'referrer' },
  { method: 'POST', path: '/referrals/{id}/information', function: 'provideInformation', auth: 'referrer' },
  { method: 'GET', path: '/tasks/{link}', function: 'taskPage', auth: 'session' },
  { method: 'POST', path: '/tasks/{link}', function: 'taskDecision', auth: 'session' },
  { method: 'GET', path: '/staff', function: 'staffWorkspace', auth: 'session' },
  { method: 'GET', path: '/staff/clinics', function: 'staffTimetable', auth: 'session' },
  { method: 'POST', path: '/staff/clinics', function: 'staffTimetable', auth: 'session' },
  { method: 'GET', path: '/staff/{queue}', function: 'staffWorkspace', auth: 'session' },
  { method: 'POST', path: '/staff/claims/{id}', function: 'staffWorkspace', auth: 'session' },
  { method: 'POST', path: '/staff/close/{id}', function: 'staffWorkspace', auth: 'session' },
  { method: 'POST', path: '/staff/retry/{id}', function: 'staffWorkspace', auth: 'session' },
  // A search is posted: an NHS number kept out of URLs (history, traces), and the form token checked.
  { method: 'POST', path: '/staff/find', function: 'staffWorkspace', auth: 'session' },
  { method: 'GET', path: '/a/{link}', function: 'patientPage', auth: 'link' },
  { method: 'POST', path: '/a/{link}', function: 'patientAction', auth: 'link' },
  { method: 'PUT', path: '/admin/clinics/{clinicId}', function: 'admin', auth: 'staff' },
  { method: 'POST', path: '/admin/slots', function: 'admin', auth: 'staff' },
  { method: 'GET', path: '/metrics', function: 'reporting', auth: 'staff' },
  { method: 'GET', path: '/metrics.csv', function: 'reporting', auth: 'staff' },
  { method: 'GET', path: '/dashboard', function: 'reporting', auth: 'staff' },
  { method: 'GET', path: '/dashboard/referrals/{id}', function: 'reporting', auth: 'staff' },
  { method: 'GET', path: '/audit/referrals/{id}', function: 'reporting', auth: 'staff' },
  { method: 'GET', path: '/staff/sign-in', function: 'staffSignIn', auth: 'public' },
  { method: 'GET', path: '/staff/signed-in', function: 'staffSignIn', auth: 'public' },
  // Signing out is a POST (a button on every staff page); the GET shows that button, so that a
  // link from another site cannot sign anyone out.
  { method: 'GET', path: '/staff/sign-out', function: 'staffSignIn', auth: 'public' },
  { method: 'POST', path: '/staff/sign-out', function: 'staffSignIn', auth: 'public' },
  { method: 'GET', path: '/staff/signed-out', function: 'staffSignIn', auth: 'public' },
  { method: 'GET', path: '/self-referral', function: 'selfReferral', auth: 'public' },
  { method: 'POST', path: '/self-referral', function: 'selfReferral', auth: 'public' },
  { method: 'GET', path: '/self-care', function: 'publicPages', auth: 'public' },
  { method: 'GET', path: '/assets/{file}', function: 'publicPages', auth: 'public' },
];

/** OAuth scope a referrer's token must carry, as `<resource server>/<scope>`. */
export const REFERRER_SCOPE = { resourceServer: 'msk-pathway', scope: 'referrals.write' } as const;
