/**
 * The local runtime, started in-process, driven over HTTP: the API contract's answers, and proof
 * that nothing a client sends wrongly reaches the table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalRuntime, startLocalRuntime } from '../../local/runtime.js';
import { scanAll } from '../support/dynamodb.js';
import { recordFigures } from '../support/figures.js';
import { validReferral, withPatient } from '../support/fixtures.js';
import { until } from '../support/harness.js';

let runtime: LocalRuntime;
const TOKEN = 'test-referrer-token';

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0, referrerToken: TOKEN, log: () => undefined, tableName: 'api-test' });
});
afterAll(async () => {
  await runtime?.stop();
});

function post(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${runtime.url}/referrals`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
const referralItems = async () => (await scanAll(runtime.dynamodbEndpoint, 'api-test')).filter((i) => i.sk?.S === 'META');

describe('local API', () => {
  it('answers /health', async () => {
    const response = await fetch(`${runtime.url}/health`);
    expect(response.status).toBe(200);
  });

  it('accepts the contract example: 201, Location, and the acknowledgement SMS in the outbox', async () => {
    const response = await post(validReferral());
    expect(response.status).toBe(201);
    const body = (await response.json()) as any;
    expect(response.headers.get('location')).toBe(`/referrals/${body.id}`);
    // Screened, acknowledged, and now waiting for a clinician.
    const status = await until(async () => {
      const current = (await (
        await fetch(`${runtime.url}/referrals/${body.id}`, { headers: { Authorization: `Bearer ${TOKEN}` } })
      ).json()) as any;
      return current.timeline.some((e: { type: string }) => e.type === 'triage_team_emailed') && current;
    }, 'the referral to wait for triage');
    expect(status).toMatchObject({ id: body.id, status: 'awaiting_triage', priority: 'routine', suggestedService: 'physiotherapy' });
    expect(status.timeline.map((e: { type: string }) => e.type)).toEqual([
      'received',
      'screened',
      // The baseline questionnaire's link, made to ride on the acknowledgement.
      'questionnaire_invited',
      'patient_texted',
      'task_opened',
      'triage_team_emailed',
    ]);

    const outbox = (await (await fetch(`${runtime.url}/local/outbox`)).json()) as any;
    expect(outbox.messages.find((m: { channel: string }) => m.channel === 'sms')).toMatchObject({
      channel: 'sms',
      to: '+447700900123',
      sentAt: expect.any(String),
      id: expect.any(String),
    });
  });

  it('makes a retried POST with the same Idempotency-Key return the same referral and start nothing new', async () => {
    const key = `retry-${Date.now()}`;
    const first = (await (await post(validReferral(), { 'Idempotency-Key': key })).json()) as any;
    const before = runtime.workflow.list().length;
    const again = await post(validReferral(), { 'Idempotency-Key': key });
    expect(again.status).toBe(201);
    expect(((await again.json()) as any).id).toBe(first.id);
    expect(runtime.workflow.list().length).toBe(before);
    const different = await post(withPatient({ givenName: 'Robin' }), { 'Idempotency-Key': key });
    expect(different.status).toBe(422);
  });

  it('turns 200 concurrent identical POSTs with one Idempotency-Key into one referral and one execution', async () => {
    const key = `burst-${Date.now()}`;
    const before = { referrals: (await referralItems()).length, executions: runtime.workflow.list().length };
    const responses = await Promise.all(Array.from({ length: 200 }, () => post(validReferral(), { 'Idempotency-Key': key })));
    const ids = new Set<string>();
    for (const response of responses) {
      expect(response.status).toBe(201);
      ids.add(((await response.json()) as { id: string }).id);
    }
    const created = (await referralItems()).length - before.referrals;
    recordFigures('idempotency', { duplicatesCreated: created - 1 });
    expect(ids.size).toBe(1);
    expect(created).toBe(1);
    expect(runtime.workflow.list().length).toBe(before.executions + 1);
  });

  it('refuses bad input with the right 4xx, field by field, and stores nothing', async () => {
    const stored = (await referralItems()).length;
    const cases: [string, Promise<Response>, number][] = [
      [
        'no token',
        fetch(`${runtime.url}/referrals`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(validReferral()),
        }),
        401,
      ],
      ['a wrong token', post(validReferral(), { Authorization: 'Bearer nope' }), 401],
      ['text/plain', post(validReferral(), { 'Content-Type': 'text/plain' }), 415],
      ['a 65 KB body', post({ ...validReferral(), padding: 'x'.repeat(65 * 1024) }), 413],
      ['broken JSON', post('{"source":'), 400],
      ['a failing NHS check digit', post(withPatient({ nhsNumber: '9434765918' })), 400],
      ['a future date of birth', post(withPatient({ dateOfBirth: '2999-01-01' })), 400],
      ['a landline as mobile', post(withPatient({ mobile: '01772 123456' })), 400],
      ['an unknown body site', post({ ...validReferral(), complaint: { ...validReferral().complaint, bodySite: 'toe' } }), 400],
      ['an unknown field', post({ ...validReferral(), extra: true }), 400],
      ['a JSON array', post('[]'), 400],
    ];
    for (const [name, request, status] of cases) {
      const response = await request;
      expect(response.status, name).toBe(status);
      const body = (await response.json()) as any;
      expect(body.error, name).toEqual(expect.any(String));
      if (status === 400 && body.error === 'validation_failed') expect(body.issues.length, name).toBeGreaterThan(0);
    }
    expect((await referralItems()).length).toBe(stored);
  });

  it('names the bad field in a validation error', async () => {
    const body = (await (await post(withPatient({ nhsNumber: '9434765918' }))).json()) as any;
    expect(body).toEqual({
      error: 'validation_failed',
      message: expect.any(String),
      issues: [{ path: 'patient.nhsNumber', message: expect.stringMatching(/check digit/) }],
    });
  });

  it('shows a referral only to the referrer that sent it, and 404 for unknown ids', async () => {
    const unknown = await fetch(`${runtime.url}/referrals/01ARZ3NDEKTSV4RRFFQ69G5FAV`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(unknown.status).toBe(404);
    const malformed = await fetch(`${runtime.url}/referrals/..%2F..%2Fetc`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(malformed.status).toBe(404);
  });

  it('sends one self-referral however often the same form is submitted', async () => {
    const form = await (await fetch(`${runtime.url}/self-referral`)).text();
    const submission = /name="submission" value="([^"]+)"/.exec(form)![1]!;
    const fields = {
      submission,
      givenName: 'Robin',
      familyName: 'Smith',
      nhsNumber: '9434765919',
      dateOfBirth: '1980-02-03',
      postcode: 'PR7 1AA',
      bodySite: 'knee',
      summary: 'Knee pain on stairs',
      durationWeeks: '8',
      painScore: '5',
    };
    const send = (extra: Record<string, string> = {}) =>
      fetch(`${runtime.url}/self-referral`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...fields, ...extra }).toString(),
      });
    const before = (await referralItems()).length;
    const [first, second] = await Promise.all([send(), send()]);
    const reference = (page: string) => /<strong>([0-9A-Z]{26})<\/strong>/.exec(page)![1];
    expect(reference(await first.text())).toBe(reference(await second.text()));
    expect((await send({ summary: 'Changed after sending' })).status).toBe(409);
    expect((await referralItems()).length).toBe(before + 1);
  });

  it('answers unknown paths with 404 and wrong methods with 405', async () => {
    expect((await fetch(`${runtime.url}/nope`)).status).toBe(404);
    expect((await fetch(`${runtime.url}/referrals`, { method: 'GET', headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
  });
});
