/**
 * API Gateway REQUEST authorizer for staff routes: a Cognito staff-pool ID token, from the
 * Authorization header or the session cookie, verified (signature, expiry, issuer, client) with
 * aws-jwt-verify. Anything else is 401.
 */
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';

import { config } from '../../shared/config.js';
import { staffToken } from '../../shared/http/staff-session.js';
import { logger } from '../../shared/logger.js';

type Verifier = { verify(token: string): Promise<Record<string, unknown>> };
let verifier: Verifier | undefined;

/** Tests install a verifier with their own keys. */
export function useVerifier(replacement: Verifier | undefined): void {
  verifier = replacement;
}

function staffVerifier(): Verifier {
  verifier ??= CognitoJwtVerifier.create({
    userPoolId: config().STAFF_POOL_ID!,
    tokenUse: 'id',
    clientId: config().STAFF_CLIENT_ID!,
  }) as unknown as Verifier;
  return verifier;
}

export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const token = staffToken({ headers: (event.headers ?? {}) as Record<string, string> });
  let claims: Record<string, unknown>;
  try {
    if (!token) throw new Error('no token');
    claims = await staffVerifier().verify(token);
  } catch (error) {
    logger.info('staff sign-in refused', { reason: (error as Error).name });
    // API Gateway answers 401 for exactly this message. No cause: aws-jwt-verify's errors carry the
    // token itself, which must not reach the function's error log.
    // eslint-disable-next-line preserve-caught-error
    throw new Error('Unauthorized');
  }
  const username = String(claims['cognito:username'] ?? claims.email ?? claims.sub);
  return {
    principalId: username,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
    },
    context: { username },
  };
}
