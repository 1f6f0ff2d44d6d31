/**
 * The HTTP API, written once: CDK builds API Gateway resources and methods from it, and the local
 * server routes requests by it. `auth: 'referrer'` means a referrer's OAuth token with the
 * referrals scope (Cognito in AWS, REFERRER_TOKEN locally).
 */
import type { FunctionName } from './functions.js';

export type RouteAuth = 'referrer';

export interface Route {
  method: 'GET' | 'POST';
  /** API Gateway style: `{name}` is a path parameter. */
  path: string;
  function: FunctionName;
  auth: RouteAuth;
}

export const routes: readonly Route[] = [
  { method: 'POST', path: '/referrals', function: 'createReferral', auth: 'referrer' },
  { method: 'GET', path: '/referrals/{id}', function: 'getReferral', auth: 'referrer' },
];

/** OAuth scope a referrer's token must carry, as `<resource server>/<scope>`. */
export const REFERRER_SCOPE = { resourceServer: 'msk-pathway', scope: 'referrals.write' } as const;
