/**
 * The local stand-in for the staff pool: a person per role to sign in as, and session tokens
 * signed with a key of this runtime's (an HMAC, where Cognito signs with its own keys). The staff
 * token (STAFF_TOKEN) still works for scripts: it is the local service lead.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import type { StaffUser } from '../shared/domain/staff.js';
import type { StaffIdentity } from '../shared/ports/staff-identity.js';

/** One person per role, as a service would have them in the staff pool's groups. */
export const LOCAL_STAFF: readonly StaffUser[] = [
  { id: 'local-triage', name: 'Tess Triage', roles: ['triage-clinician'] },
  { id: 'local-senior', name: 'Sam Senior', roles: ['senior-clinician'] },
  { id: 'local-booking', name: 'Bo Booking', roles: ['booking-team'] },
  { id: 'local-clinic', name: 'Cal Clinic', roles: ['clinic-staff'] },
  { id: 'local-lead', name: 'Lee Lead', roles: ['service-lead'] },
];

/** Who the staff token (scripts, `Authorization: Bearer`) signs in as. */
export const LOCAL_SCRIPT_USER: StaffUser = { id: 'local-staff', name: 'Local staff (token)', roles: ['service-lead'] };

const same = (a: string, b: string) => {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
};

export interface LocalStaffIdentity extends StaffIdentity {
  /** A session token for `user`, as the local sign-in page issues (tests sign in with it directly). */
  mint(user: StaffUser, ttlSeconds?: number): string;
}

export function localStaffIdentity(scriptToken: string, key = randomBytes(32).toString('base64url')): LocalStaffIdentity {
  const sign = (body: string) => createHmac('sha256', key).update(body).digest('base64url');
  return {
    mint(user, ttlSeconds = 8 * 3600) {
      const body = Buffer.from(JSON.stringify({ ...user, exp: Date.now() + ttlSeconds * 1000 })).toString('base64url');
      return `local.${body}.${sign(body)}`;
    },
    async verify(token) {
      if (!token) return undefined;
      if (same(token, scriptToken)) return LOCAL_SCRIPT_USER;
      const [prefix, body, signature] = token.split('.');
      if (prefix !== 'local' || !body || !signature || !same(signature, sign(body))) return undefined;
      const { exp, ...user } = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as StaffUser & { exp: number };
      return exp > Date.now() ? user : undefined;
    },
  };
}
