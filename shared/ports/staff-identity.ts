/**
 * Who a staff session token belongs to: in AWS, a Cognito staff-pool ID token verified with
 * aws-jwt-verify (signature, expiry, issuer, client); locally, the runtime's stand-in. Used by the
 * staff authorizer (API routes) and by pages that check the session themselves, so that a
 * browser without one can be sent to sign in and back.
 */
import { config } from '../config.js';
import { type StaffUser, staffUserFromClaims } from '../domain/staff.js';
import { onFirstUse } from './on-first-use.js';

export interface StaffIdentity {
  /** The person, or undefined for a token that is missing, expired, forged or someone else's. */
  verify(token: string | undefined): Promise<StaffUser | undefined>;
}

type Verifier = { verify(token: string): Promise<Record<string, unknown>> };

const cognitoVerifier = onFirstUse(async (): Promise<Verifier> => {
  const { CognitoJwtVerifier } = await import('aws-jwt-verify');
  return CognitoJwtVerifier.create({
    userPoolId: config().STAFF_POOL_ID!,
    tokenUse: 'id',
    clientId: config().STAFF_CLIENT_ID!,
  }) as unknown as Verifier;
});

/** Cognito's staff pool; `verifier` replaces the real one (tests, with their own keys). */
export function cognitoStaffIdentity(verifier?: Verifier): StaffIdentity {
  return {
    async verify(token) {
      if (!token) return undefined;
      try {
        const claims = await (verifier ?? (await cognitoVerifier())).verify(token);
        return staffUserFromClaims(claims);
      } catch {
        // Expired, forged or foreign: not signed in. (aws-jwt-verify's errors carry the token: not logged.)
        return undefined;
      }
    },
  };
}
