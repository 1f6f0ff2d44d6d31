/**
 * FHIR R4 intake over HTTP against the local runtime: the example message makes a referral that
 * runs the same journey as a JSON one, reads back as a ServiceRequest and a Task for its sender
 * only, a resend creates nothing, and bad FHIR gets an OperationOutcome naming the element, with
 * nothing written. Every answer is checked against the OpenAPI document and, for FHIR resources,
 * by FHIR.js against the R4 structure definitions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalRuntime, REPO_ROOT, startLocalRuntime } from '../../local/runtime.js';
import { structureIssues } from '../../shared/http/fhir/validate.js';
import { documented } from '../support/contract.js';
import { scanAll } from '../support/dynamodb.js';
import { UNREADABLE_MESSAGES } from '../support/fhir-messages.js';
import { validReferral } from '../support/fixtures.js';
import { until } from '../support/harness.js';

const TOKEN = 'test-referrer-token';
const OTHER_TOKEN = 'other-gp-system-token';
const TABLE = 'fhir-test';
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    referrerToken: TOKEN,
    otherReferrers: { [OTHER_TOKEN]: 'other-gp-system' },
    log: () => undefined,
    tableName: TABLE,
  });
});
afterAll(async () => {
  await runtime?.stop();
});

const example = () => JSON.parse(readFileSync(join(REPO_ROOT, 'docs/fhir/example-referral-message.json'), 'utf8'));
const PROCESS = 'POST /fhir/$process-message';

function send(message: unknown, headers: Record<string, string> = {}) {
  return fetch(`${runtime.url}/fhir/$process-message`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/fhir+json', ...headers },
    body: typeof message === 'string' ? message : JSON.stringify(message),
  });
}
const get = (path: string, token = TOKEN) => fetch(`${runtime.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
const referralCount = async () => (await scanAll(runtime.dynamodbEndpoint, TABLE)).filter((i) => i.sk?.S === 'META').length;

/** A fresh message id, so that each test's message is its own. */
function freshMessage() {
  const message = example();
  message.id = crypto.randomUUID();
  return message;
}

describe('FHIR R4 intake over HTTP', () => {
  let id: string;
  let firstAnswer: any;

  it('accepts the example message: a response message with ok and the ServiceRequest, valid R4', async () => {
    const response = await send(example());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    firstAnswer = await documented(PROCESS, response);
    expect(structureIssues(firstAnswer)).toEqual([]);
    const [header, serviceRequest] = firstAnswer.entry.map((e: { resource: unknown }) => e.resource);
    expect(header.response).toEqual({ identifier: '1d3a4b6e-0f6c-4a7e-9a7a-7e1c1f0f1001', code: 'ok' });
    id = serviceRequest.id;
    expect(header.focus).toEqual([{ reference: `ServiceRequest/${id}` }]);
  });

  it('runs the same journey as a JSON referral: screened, acknowledged, waiting for triage', async () => {
    const status = await until(async () => {
      const current = (await (await get(`/referrals/${id}`)).json()) as any;
      return current.timeline?.some((e: { type: string }) => e.type === 'triage_team_emailed') && current;
    }, 'the FHIR referral to wait for triage');
    expect(status).toMatchObject({ id, status: 'awaiting_triage', source: 'gp', priority: 'routine', suggestedService: 'physiotherapy' });
    expect(status.timeline.map((e: { type: string }) => e.type)).toEqual([
      'received',
      'screened',
      // The baseline questionnaire's link, made to ride on the acknowledgement.
      'questionnaire_invited',
      'patient_texted',
      'task_opened',
      'triage_team_emailed',
    ]);
  });

  it('reads back as a ServiceRequest and a Task (businessStatus) for its sender', async () => {
    const serviceRequest = await documented('GET /fhir/ServiceRequest/{id}', await get(`/fhir/ServiceRequest/${id}`));
    expect(structureIssues(serviceRequest)).toEqual([]);
    expect(serviceRequest).toMatchObject({ resourceType: 'ServiceRequest', id, status: 'active', priority: 'routine' });
    expect(serviceRequest.bodySite[0].coding[0]).toMatchObject({ system: 'http://snomed.info/sct', code: '37822005' });

    const search = await documented('GET /fhir/Task', await get(`/fhir/Task?focus=ServiceRequest/${id}`));
    expect(structureIssues(search)).toEqual([]);
    expect(search.total).toBe(1);
    expect(search.entry[0].resource).toMatchObject({
      resourceType: 'Task',
      status: 'received',
      businessStatus: { text: 'Awaiting triage' },
      focus: { reference: `ServiceRequest/${id}` },
    });
  });

  it('answers a resent message with the same referral and creates nothing', async () => {
    const before = { referrals: await referralCount(), executions: runtime.workflow.list().length };
    const again = await send(example());
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const answer = await documented(PROCESS, again);
    expect(answer.id).toBe(firstAnswer.id);
    expect(answer.entry[1].resource.id).toBe(id);
    expect({ referrals: await referralCount(), executions: runtime.workflow.list().length }).toEqual(before);
  });

  it("keeps message ids apart from POST /referrals' Idempotency-Key: no header can replay a FHIR referral", async () => {
    // The example is the JSON example as FHIR, so under one shared key space this header would replay the FHIR referral.
    for (const key of [`fhir-message:${example().id}`, example().id]) {
      const response = await fetch(`${runtime.url}/referrals`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', 'Idempotency-Key': key },
        body: JSON.stringify(validReferral()),
      });
      expect(response.status, key).toBe(201);
      expect(response.headers.get('idempotent-replayed'), key).toBeNull();
      expect(((await response.json()) as { id: string }).id, key).not.toBe(id);
    }
  });

  it('refuses a message id reused for a different referral (422 duplicate), writing nothing', async () => {
    const before = await referralCount();
    const changed = example();
    changed.entry[1].resource.note[0].text = 'A different problem altogether';
    const response = await send(changed);
    expect(response.status).toBe(422);
    const outcome = await documented(PROCESS, response);
    expect(outcome.issue[0]).toMatchObject({ code: 'duplicate', expression: ['Bundle.id'] });
    expect(await referralCount()).toBe(before);
  });

  it('shows another referring system neither the ServiceRequest nor the Task (404, no match)', async () => {
    const serviceRequest = await get(`/fhir/ServiceRequest/${id}`, OTHER_TOKEN);
    expect(serviceRequest.status).toBe(404);
    expect((await documented('GET /fhir/ServiceRequest/{id}', serviceRequest)).resourceType).toBe('OperationOutcome');
    const search = await documented('GET /fhir/Task', await get(`/fhir/Task?focus=ServiceRequest/${id}`, OTHER_TOKEN));
    expect(search).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 0, entry: [] });
    expect((await get(`/referrals/${id}`, OTHER_TOKEN)).status).toBe(404);
  });

  it('answers bad FHIR with an OperationOutcome naming the element (422), and writes nothing', async () => {
    const before = await referralCount();
    const message = freshMessage();
    message.entry[2].resource.identifier[0].value = '9434765918';
    delete message.entry[2].resource.birthDate;
    const response = await send(message);
    expect(response.status).toBe(422);
    const outcome = await documented(PROCESS, response);
    expect(structureIssues(outcome)).toEqual([]);
    expect(outcome.issue).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'value', expression: ['Bundle.entry[2].resource.identifier[0].value'] }),
        expect.objectContaining({ code: 'required', expression: ['Bundle.entry[2].resource.birthDate'] }),
      ]),
    );
    expect(await referralCount()).toBe(before);
  });

  it('refuses a BaRS cancellation (422 not-supported): it never becomes a second referral', async () => {
    const before = { referrals: await referralCount(), executions: runtime.workflow.list().length };
    const cancellation = freshMessage();
    cancellation.entry[0].resource.reason = { coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/message-reason-bars', code: 'cancel' }] };
    cancellation.entry[1].resource.status = 'revoked';
    const response = await send(cancellation);
    expect(response.status).toBe(422);
    const outcome = await documented(PROCESS, response);
    expect(outcome.issue.map((i: { code: string; expression: string[] }) => [i.code, ...i.expression])).toEqual([
      ['not-supported', 'Bundle.entry[0].resource.reason'],
      ['not-supported', 'Bundle.entry[1].resource.status'],
    ]);
    expect({ referrals: await referralCount(), executions: runtime.workflow.list().length }).toEqual(before);
  });

  it('answers what is not FHIR R4, not JSON or not FHIR JSON with 400 or 415, never a 5xx', async () => {
    const wrongType = freshMessage();
    wrongType.entry[2].resource.nickname = 'Sammy';
    const cases: [unknown, Record<string, string>, number][] = [
      [wrongType, {}, 400],
      ['{"resourceType": "Bundle", ', {}, 400],
      [{ resourceType: 'Patient' }, {}, 400],
      [[], {}, 400],
      [freshMessage(), { 'Content-Type': 'text/plain' }, 415],
      // A message id is part of a DynamoDB key: 2,100 characters overflowed it.
      [{ ...freshMessage(), id: 'x'.repeat(2_100) }, {}, 400],
      // Once 500s: nulls, prototype names as resource types, nesting that overflowed FHIR.js's stack.
      ...UNREADABLE_MESSAGES.map(([, breakIt]): [unknown, Record<string, string>, number] => {
        const message = freshMessage();
        breakIt(message);
        return [message, {}, 400];
      }),
    ];
    for (const [body, headers, status] of cases) {
      const response = await send(body, headers);
      expect(response.status, JSON.stringify(body).slice(0, 60)).toBe(status);
      expect((await documented(PROCESS, response)).resourceType).toBe('OperationOutcome');
    }
    expect((await send(freshMessage(), { Authorization: 'Bearer wrong' })).status).toBe(401);
  });

  it('asks for focus=ServiceRequest/<id> on a Task search without it', async () => {
    const response = await get('/fhir/Task');
    expect(response.status).toBe(400);
    expect((await documented('GET /fhir/Task', response)).issue[0].expression).toEqual(['Task.focus']);
  });
});
