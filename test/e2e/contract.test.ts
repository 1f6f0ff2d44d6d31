/**
 * The contract against the running service: answers of the JSON referrer routes, a staff JSON
 * route and GET /openapi.json, each checked against the documented status, content type and schema
 * (the FHIR routes' answers are checked the same way in fhir.test.ts).
 */
import { readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { OPENAPI_FILE } from '../../infra/openapi.js';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime.js';
import { documented } from '../support/contract.js';
import { validReferral, withPatient } from '../support/fixtures.js';

const TOKEN = 'test-referrer-token';
const STAFF = 'test-staff-token';
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0, referrerToken: TOKEN, staffToken: STAFF, log: () => undefined, tableName: 'contract-test' });
});
afterAll(async () => {
  await runtime?.stop();
});

const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}, token = TOKEN) =>
  fetch(`${runtime.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('the running service keeps to its OpenAPI document', () => {
  it('POST /referrals: 201, 400, 415, 422 and 401 as documented', async () => {
    const key = `contract-${Date.now()}`;
    const created = await documented('POST /referrals', await call('POST', '/referrals', validReferral(), { 'Idempotency-Key': key }));
    expect(created.status).toBe('received');
    await documented('POST /referrals', await call('POST', '/referrals', withPatient({ nhsNumber: '123' })));
    await documented('POST /referrals', await call('POST', '/referrals', 'not json'));
    await documented('POST /referrals', await call('POST', '/referrals', validReferral(), { 'Content-Type': 'text/plain' }));
    await documented('POST /referrals', await call('POST', '/referrals', withPatient({ givenName: 'Robin' }), { 'Idempotency-Key': key }));
    await documented('POST /referrals', await call('POST', '/referrals', validReferral(), {}, 'wrong-token'));

    const found = await documented('GET /referrals/{id}', await call('GET', `/referrals/${created.id}`));
    expect(found.id).toBe(created.id);
    await documented('GET /referrals/{id}', await call('GET', '/referrals/01JB2C3D4E5F6G7H8J9K0M1N2P'));
    const notWaiting = await call('POST', `/referrals/${created.id}/information`, { information: 'More detail' });
    expect(notWaiting.status).toBe(409);
    await documented('POST /referrals/{id}/information', notWaiting);
    await documented('POST /referrals/{id}/information', await call('POST', `/referrals/${created.id}/information`, {}));
  });

  it('a staff JSON route: GET /metrics', async () => {
    await documented('GET /metrics', await call('GET', '/metrics', undefined, {}, STAFF));
    await documented('GET /metrics', await call('GET', '/metrics?from=nonsense', undefined, {}, STAFF));
  });

  it('GET /openapi.json serves the checked-in document, to anyone', async () => {
    const response = await fetch(`${runtime.url}/openapi.json`);
    expect(await documented('GET /openapi.json', response)).toEqual(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
  });
});
