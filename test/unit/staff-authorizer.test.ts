/**
 * The staff authorizer verifies real JWTs (signed here with a test key, as Cognito signs them):
 * from the Authorization header or the session cookie; expired, foreign or missing tokens are 401.
 */
import { createSign, generateKeyPairSync } from 'node:crypto';

import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { handler } from '../../functions/staff-authorizer/handler.js';
import { installAdapters, resetAdapters } from '../../shared/ports/index.js';
import { cognitoStaffIdentity } from '../../shared/ports/staff-identity.js';

const POOL = 'eu-west-2_StaffPool';
const CLIENT = 'dashboard-client';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

function jwt(claims: Record<string, unknown>, key = privateKey): string {
  const encode = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const body = `${encode({ alg: 'RS256', kid: 'test-key' })}.${encode({
    iss: `https://cognito-idp.eu-west-2.amazonaws.com/${POOL}`,
    aud: CLIENT,
    token_use: 'id',
    sub: 'user-1',
    'cognito:username': 'jo.lead',
    iat: now,
    exp: now + 3600,
    ...claims,
  })}`;
  return `${body}.${createSign('RSA-SHA256').update(body).sign(key).toString('base64url')}`;
}

const event = (headers: Record<string, string>) =>
  ({
    type: 'REQUEST',
    methodArn: 'arn:aws:execute-api:eu-west-2:1:api/v1/GET/dashboard',
    headers,
  }) as unknown as APIGatewayRequestAuthorizerEvent;

beforeAll(() => {
  const verifier = CognitoJwtVerifier.create({ userPoolId: POOL, tokenUse: 'id', clientId: CLIENT });
  verifier.cacheJwks({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' } as never] });
  installAdapters({ staffIdentity: cognitoStaffIdentity(verifier as never) });
});
afterAll(() => resetAdapters());

describe('staff authorizer', () => {
  it('allows a staff ID token from the Authorization header, naming the user', async () => {
    const result = await handler(event({ Authorization: `Bearer ${jwt({})}` }));
    expect(result.policyDocument.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Resource: 'arn:aws:execute-api:eu-west-2:1:api/v1/GET/dashboard',
    });
    expect(result.context).toEqual({ userId: 'user-1', name: 'jo.lead', roles: '' });
  });

  it("passes on the person's name and their roles from the pool's groups (groups that are not roles are left out)", async () => {
    const token = jwt({ name: 'Jo Lead', 'cognito:groups': ['service-lead', 'triage-clinician', 'Administrators'] });
    const result = await handler(event({ Authorization: `Bearer ${token}` }));
    expect(result.context).toEqual({ userId: 'user-1', name: 'Jo Lead', roles: 'service-lead,triage-clinician' });
  });

  it('allows the same token from the session cookie (a signed-in browser)', async () => {
    const result = await handler(event({ Cookie: `other=1; msk_staff=${jwt({})}` }));
    expect(result.principalId).toBe('user-1');
  });

  it.each([
    ['no token', {}],
    ['an expired token', { Authorization: `Bearer ${jwt({ exp: Math.floor(Date.now() / 1000) - 60 })}` }],
    ['a token for another app client', { Authorization: `Bearer ${jwt({ aud: 'someone-else' })}` }],
    ['an access token, not an ID token', { Authorization: `Bearer ${jwt({ token_use: 'access' })}` }],
    [
      'a token signed with another key',
      { Authorization: `Bearer ${jwt({}, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)}` },
    ],
    ['a made-up token', { Cookie: 'msk_staff=local-staff-token' }],
  ])('refuses %s with 401', async (_, headers) => {
    await expect(handler(event(headers as Record<string, string>))).rejects.toThrow('Unauthorized');
  });
});
