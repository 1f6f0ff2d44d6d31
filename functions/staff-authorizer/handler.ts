/**
 * API Gateway REQUEST authorizer for staff routes: a Cognito staff-pool ID token, from the
 * Authorization header or the session cookie, verified (signature, expiry, issuer, client) with
 * aws-jwt-verify. Anything else is 401. The person (id, name, roles from the pool's groups) is
 * passed on to the function.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';

import { staffToken } from '../../shared/http/staff-session.js';
import { logger } from '../../shared/logger.js';
import { adapters } from '../../shared/ports/index.js';

export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const token = staffToken({ headers: (event.headers ?? {}) as Record<string, string> });
  const user = await adapters().staffIdentity.verify(token);
  if (!user?.id) {
    logger.info('staff sign-in refused', { reason: token ? 'invalid' : 'no token' });
    // API Gateway answers 401 for exactly this message.
    throw new Error('Unauthorized');
  }
  return {
    principalId: user.id,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
    },
    // Authorizer context values must be strings, numbers or booleans.
    context: { userId: user.id, name: user.name, roles: user.roles.join(',') },
  };
}
