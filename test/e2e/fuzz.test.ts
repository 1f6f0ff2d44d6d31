/**
 * Bad input, generated: thousands of requests (fast-check) at every public endpoint of the local
 * runtime, with broken JSON, wrong types, huge and odd strings, injection strings, missing and
 * extra fields, wrong content types and made-up paths. Every answer must be a 4xx (or a 2xx for
 * the rare valid one), never a 5xx, and nothing may be stored but what was accepted.
 * FUZZ_RUNS sets the count (default 10,000).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { scanAll } from '../support/dynamodb.js';
import { recordFigures } from '../support/figures.js';
import { validReferral } from '../support/fixtures.js';
import { type LocalService, STAFF_TOKEN, startLocalService, TOKEN } from '../support/local-service.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
let svc: LocalService;
const TABLE = `fuzz-${Date.now()}`;

beforeAll(async () => {
  svc = await startLocalService({ tableName: TABLE });
});
afterAll(async () => {
  await svc?.stop();
});

const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    "'; DROP TABLE referrals; --",
    '<script>alert(1)</script>',
    '{{7*7}}',
    '${jndi:ldap://x}',
    '../../etc/passwd',
    '\u0000',
    '\uD800',
    '🦴🦵',
    'NaN',
    '1e309',
    '-0',
    ' ',
    'x'.repeat(70_000),
  ),
);
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 5 }), nasty, fc.constant(null));

/** A valid referral with one field replaced, removed, or added. */
const mutatedReferral = fc
  .tuple(
    fc.constantFrom(
      'source',
      'referrer',
      'referrer.odsCode',
      'referrer.email',
      'patient',
      'patient.nhsNumber',
      'patient.dateOfBirth',
      'patient.mobile',
      'patient.postcode',
      'patient.givenName',
      'complaint.bodySite',
      'complaint.painScore',
      'complaint.durationWeeks',
      'redFlags',
      'extraField',
    ),
    fc.option(anyJson, { nil: undefined }),
  )
  .map(([path, value]) => {
    const body = structuredClone(validReferral()) as Record<string, any>;
    const keys = path.split('.');
    let target = body;
    for (const key of keys.slice(0, -1)) target = target[key] ?? (target[key] = {});
    if (value === undefined) delete target[keys.at(-1)!];
    else target[keys.at(-1)!] = value;
    return JSON.stringify(body);
  });

const deeplyNested = fc.integer({ min: 100, max: 5000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));

const body = fc.oneof(
  mutatedReferral,
  anyJson.map((v) => JSON.stringify(v) ?? 'undefined'),
  nasty,
  deeplyNested,
  fc.constant(''),
  fc.constant('{"source": "gp",'),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
  'application/json; charset=latin1',
);
const segment = fc.oneof(
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom('01ARZ3NDEKTSV4RRFFQ69G5FAV', 'AAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBB', '..%2F..', '%00', 'x'.repeat(300)),
);

const request = fc.oneof(
  fc.record({ method: fc.constant('POST'), path: fc.constant('/referrals'), body, contentType, auth: fc.constant(`Bearer ${TOKEN}`) }),
  fc.record({
    method: fc.constant('POST'),
    path: fc.constant('/referrals'),
    body: mutatedReferral,
    contentType: fc.constant('application/json'),
    auth: fc.constantFrom('', 'Bearer nope', `Basic ${TOKEN}`),
  }),
  fc.record({
    method: fc.constant('GET'),
    path: segment.map((s) => `/referrals/${s}`),
    body: fc.constant(''),
    contentType,
    auth: fc.constant(`Bearer ${TOKEN}`),
  }),
  fc.record({
    method: fc.constant('POST'),
    path: segment.map((s) => `/referrals/${s}/information`),
    body,
    contentType,
    auth: fc.constant(`Bearer ${TOKEN}`),
  }),
  fc.record({ method: fc.constantFrom('GET', 'POST'), path: segment.map((s) => `/tasks/${s}`), body, contentType, auth: fc.constant('') }),
  fc.record({ method: fc.constantFrom('GET', 'POST'), path: segment.map((s) => `/a/${s}`), body, contentType, auth: fc.constant('') }),
  fc.record({ method: fc.constant('POST'), path: fc.constant('/self-referral'), body, contentType, auth: fc.constant('') }),
  fc.record({
    method: fc.constant('PUT'),
    path: segment.map((s) => `/admin/clinics/${s}`),
    body,
    contentType,
    auth: fc.constant(`Bearer ${STAFF_TOKEN}`),
  }),
  fc.record({
    method: fc.constant('POST'),
    path: fc.constant('/admin/slots'),
    body,
    contentType,
    auth: fc.constant(`Bearer ${STAFF_TOKEN}`),
  }),
  fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
    path: segment.map((s) => `/${s}`),
    body: fc.constant(''),
    contentType,
    auth: fc.constant(''),
  }),
);

describe('bad input, generated', () => {
  it(`answers ${RUNS} generated requests with no 5xx, and stores only what it accepted`, async () => {
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let accepted = 0;
    await fc
      .assert(
        fc.asyncProperty(request, async (r) => {
          const headers: Record<string, string> = {};
          if (r.auth) headers.Authorization = r.auth;
          if (r.contentType) headers['Content-Type'] = r.contentType;
          const response = await fetch(`${svc.url}${r.path}`, { method: r.method, headers, body: r.method === 'GET' ? undefined : r.body });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const text = await response.text();
          if (response.status >= 500 && failures.length < 5)
            failures.push(
              `${r.method} ${r.path.slice(0, 60)} ${r.contentType} ${r.body.slice(0, 120)} -> ${response.status} ${text.slice(0, 200)}`,
            );
          if (response.status === 201 || (r.path === '/self-referral' && response.status === 200)) accepted++;
          return response.status < 500;
        }),
        { numRuns: RUNS, verbose: false, endOnFailure: false },
      )
      .catch((error) => {
        throw new Error(`${(error as Error).message.slice(0, 500)}\n${failures.join('\n')}`);
      });
    const referrals = (await scanAll(svc.runtime.dynamodbEndpoint, TABLE)).filter(
      (i) => i.sk?.S === 'META' && i.pk?.S?.startsWith('REFERRAL#'),
    );
    const fiveXx = [...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
    console.log(
      `fuzz: ${RUNS} requests, status counts ${JSON.stringify(Object.fromEntries(statuses))}, 5xx seen ${fiveXx}, ` +
        `accepted ${accepted}, referrals stored ${referrals.length}`,
    );
    recordFigures('fuzz', { requestsFuzzed: RUNS, serverErrors: fiveXx, duplicatesCreated: Math.max(0, referrals.length - accepted) });
    expect(fiveXx).toBe(0);
    expect(referrals.length).toBe(accepted);
  }, 600_000);
});
