/**
 * FHIR R4 both ways: a BaRS-shaped referral message read as the domain referral (the same one the
 * JSON API takes), every refusal as an OperationOutcome naming the element, and the referral sent
 * back as ServiceRequest, Task and a response message that FHIR.js finds valid R4.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Fhir } from 'fhir';
import { describe, expect, it, vi } from 'vitest';

import { REPO_ROOT } from '../../local/runtime.js';
import { BODY_SITE_SNOMED, bodySiteOfSnomed, FHIR_SYSTEMS, TASK_STATUS } from '../../shared/domain/fhir-codes.js';
import { BODY_SITES, type Referral, referralRequestSchema } from '../../shared/domain/referral.js';
import { REFERRAL_STATUSES } from '../../shared/domain/vocabulary.js';
import { referralFromMessage } from '../../shared/http/fhir/message.js';
import { FhirError, fhirErrorResponse, operationOutcome } from '../../shared/http/fhir/outcome.js';
import { responseMessage, searchSet, serviceRequestOf, taskOf } from '../../shared/http/fhir/resources.js';
import { structureIssues } from '../../shared/http/fhir/validate.js';
import { UNREADABLE_MESSAGES } from '../support/fhir-messages.js';
import { validReferral } from '../support/fixtures.js';

process.env.TABLE_NAME ??= 'unit';

const EXAMPLE = join(REPO_ROOT, 'docs/fhir/example-referral-message.json');
const example = () => JSON.parse(readFileSync(EXAMPLE, 'utf8'));

/** The refusal a message gets: its status and issues. */
function refusal(message: unknown): { status: number; issues: { code: string; expression?: string; message: string }[] } {
  try {
    referralFromMessage(message);
  } catch (error) {
    if (error instanceof FhirError) return { status: error.statusCode, issues: error.issues };
    throw error;
  }
  throw new Error('the message was accepted');
}

function storedReferral(overrides: Partial<Referral> = {}): Referral {
  return {
    ...referralRequestSchema.parse(validReferral()),
    id: '01JB2C3D4E5F6G7H8J9K0M1N2P',
    status: 'awaiting_triage',
    clientId: 'gp-system',
    receivedAt: '2026-11-02T09:15:01.000Z',
    triageDueAt: '2026-11-03T09:15:01.000Z',
    updatedAt: '2026-11-02T09:15:03.000Z',
    version: 3,
    screening: { priority: 'routine', service: 'physiotherapy', reasons: [] },
    ...overrides,
  };
}

describe('FHIR message to referral', () => {
  it('reads the example message as exactly the JSON API example', () => {
    const { messageId, request } = referralFromMessage(example());
    expect(messageId).toBe('6b0f3f3e-5d43-4c43-9d1b-8f5f2f6e0a01');
    expect(request).toEqual(referralRequestSchema.parse(validReferral()));
  });

  it('reads red flags as coded answers of the red-flag system', () => {
    const message = example();
    message.entry[6].resource.item[2].answer = [
      { valueCoding: { system: FHIR_SYSTEMS.redFlag, code: 'saddle-anaesthesia' } },
      { valueCoding: { system: FHIR_SYSTEMS.redFlag, code: 'recent-trauma' } },
    ];
    expect(referralFromMessage(message).request.redFlags).toEqual(['saddle-anaesthesia', 'recent-trauma']);
  });

  it('reads none only when said (the code none alone): an unanswered red-flags item is refused, never read as none', () => {
    expect(example().entry[6].resource.item[2].answer).toEqual([
      { valueCoding: { system: FHIR_SYSTEMS.redFlag, code: 'none', display: 'No red flags' } },
    ]);
    expect(referralFromMessage(example()).request.redFlags).toEqual([]);

    const unanswered = example();
    delete unanswered.entry[6].resource.item[2].answer;
    expect(refusal(unanswered)).toEqual({
      status: 422,
      issues: [{ code: 'required', expression: 'Bundle.entry[6].resource.item[2]', message: expect.stringMatching(/^must be answered/) }],
    });

    const noneAndAFlag = example();
    noneAndAFlag.entry[6].resource.item[2].answer.push({ valueCoding: { system: FHIR_SYSTEMS.redFlag, code: 'saddle-anaesthesia' } });
    expect(refusal(noneAndAFlag)).toMatchObject({
      status: 422,
      issues: [{ code: 'business-rule', expression: 'Bundle.entry[6].resource.item[2].answer[0].valueCoding' }],
    });

    const noItem = example();
    noItem.entry[6].resource.item.pop();
    expect(refusal(noItem).issues).toEqual([
      { code: 'required', expression: "Bundle.entry[6].resource.item.where(linkId='red-flags')", message: 'is required' },
    ]);
  });

  it('reads a home or work phone as the number to call besides the mobile (never texted), and names a bad one', () => {
    const message = example();
    message.entry[2].resource.telecom = [
      { system: 'phone', value: '01632 960123', use: 'home' },
      { system: 'phone', value: '07700 900123', use: 'mobile' },
    ];
    expect(referralFromMessage(message).request.patient).toMatchObject({ mobile: '+447700900123', phone: '+441632960123' });
    message.entry[2].resource.telecom[0].value = '+353 1 234 5678';
    expect(refusal(message).issues).toEqual([
      {
        code: 'value',
        expression: 'Bundle.entry[2].resource.telecom[0].value',
        message: 'must be a UK telephone number, such as 01632 960000',
      },
    ]);
  });

  it('names every bad field at once, each by the FHIRPath of its element (422)', () => {
    const message = example();
    message.entry[2].resource.identifier[0].value = '9434765918';
    message.entry[2].resource.birthDate = '2999-01-01';
    message.entry[1].resource.bodySite[0].coding[0].code = '12345';
    message.entry[6].resource.item[1].answer[0].valueInteger = 11;
    message.entry[6].resource.item[2].answer = [{ valueCoding: { system: FHIR_SYSTEMS.redFlag, code: 'headache' } }];
    const { status, issues } = refusal(message);
    expect(status).toBe(422);
    expect(issues.map((i) => i.expression).sort()).toEqual(
      [
        'Bundle.entry[1].resource.bodySite',
        'Bundle.entry[2].resource.birthDate',
        'Bundle.entry[2].resource.identifier[0].value',
        'Bundle.entry[6].resource.item[1].answer[0]',
        'Bundle.entry[6].resource.item[2].answer[0].valueCoding',
      ].sort(),
    );
    expect(issues.find((i) => i.expression?.endsWith('identifier[0].value'))!.message).toMatch(/check digit/);
  });

  it('points a missing field at where it belongs', () => {
    const message = example();
    delete message.entry[2].resource.address;
    message.entry[4].resource.identifier = [];
    const { issues } = refusal(message);
    expect(issues).toEqual(
      expect.arrayContaining([
        { code: 'required', expression: 'Bundle.entry[2].resource.address.postalCode', message: 'is required' },
        {
          code: 'required',
          expression: "Bundle.entry[4].resource.identifier.where(system='https://fhir.nhs.uk/Id/ods-organization-code').value",
          message: 'is required',
        },
      ]),
    );
  });

  it('refuses what is not well-formed FHIR R4 (FHIR.js, structure definitions) with 400 and the element', () => {
    const message = example();
    message.entry[2].resource.gender = 'unknown-ish';
    message.entry[2].resource.nickname = 'Sammy';
    const { status, issues } = refusal(message);
    expect(status).toBe(400);
    expect(issues.map((i) => i.expression).sort()).toEqual(['Bundle.entry[2].resource.gender', 'Bundle.entry[2].resource.nickname']);
  });

  it("names the Bundle's own elements from Bundle, not from its id", () => {
    const unexpected = example();
    unexpected.foo = 1;
    expect(refusal(unexpected).issues.map((i) => i.expression)).toEqual(['Bundle.foo']);
    const badType = example();
    badType.type = 'nope';
    expect(refusal(badType)).toMatchObject({ status: 400, issues: [{ code: 'structure', expression: 'Bundle.type' }] });
  });

  it('names contained resources, resources without an id, and resources sharing an id by where they are', () => {
    const contained = example();
    contained.entry[2].resource.contained = [{ resourceType: 'Patient', id: 'p', gender: 'x' }];
    expect(refusal(contained).issues.map((i) => i.expression)).toEqual(['Bundle.entry[2].resource.contained[0].gender']);

    // The Practitioner has the Patient's id: FHIR.js names both by it, the type tells them apart.
    const sharedId = example();
    sharedId.entry[5].resource.id = sharedId.entry[2].resource.id;
    sharedId.entry[5].resource.gender = 'x';
    expect(refusal(sharedId).issues.map((i) => i.expression)).toEqual(['Bundle.entry[5].resource.gender']);

    const noId = example();
    delete noId.entry[5].resource.id;
    noId.entry[5].resource.gender = 'x';
    expect(refusal(noId).issues.map((i) => i.expression)).toEqual(['Bundle.entry[5].resource.gender']);

    // Same type and id twice: which one cannot be known, so the expression selects both.
    const twice = example();
    twice.entry[2].resource.contained = [{ resourceType: 'Patient', id: 'p', gender: 'x' }];
    twice.entry[5].resource.contained = [{ resourceType: 'Patient', id: 'p' }];
    expect(refusal(twice).issues.map((i) => i.expression)).toEqual(["Bundle.descendants().ofType(Patient).where(id='p').gender"]);
  });

  it('refuses an event code from another system, as another event', () => {
    const message = example();
    message.entry[0].resource.eventCoding.system = 'https://example.org/events';
    expect(refusal(message)).toMatchObject({ status: 400, issues: [{ expression: 'Bundle.entry[0].resource.eventCoding' }] });
  });

  it('never reads a BaRS amendment or cancellation as a second referral (422 not-supported, naming the element)', () => {
    const reason = (code: string) => ({ coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/message-reason-bars', code }] });
    const changes: [string, (m: any) => void, string][] = [
      ['an update', (m) => (m.entry[0].resource.reason = reason('update')), 'Bundle.entry[0].resource.reason'],
      ['a cancellation', (m) => (m.entry[0].resource.reason = reason('cancel')), 'Bundle.entry[0].resource.reason'],
      ['a reason of another system only', (m) => (m.entry[0].resource.reason = { text: 'new' }), 'Bundle.entry[0].resource.reason'],
      ['a revoked ServiceRequest', (m) => (m.entry[1].resource.status = 'revoked'), 'Bundle.entry[1].resource.status'],
      ['a draft ServiceRequest', (m) => (m.entry[1].resource.status = 'draft'), 'Bundle.entry[1].resource.status'],
      ['a proposal', (m) => (m.entry[1].resource.intent = 'proposal'), 'Bundle.entry[1].resource.intent'],
    ];
    for (const [what, change, expression] of changes) {
      const message = example();
      change(message);
      expect(refusal(message), what).toEqual({
        status: 422,
        issues: [{ code: 'not-supported', expression, message: expect.stringContaining('only new referrals are taken') }],
      });
    }
    const saidNew = example();
    saidNew.entry[0].resource.reason = reason('new');
    expect(referralFromMessage(saidNew).request).toEqual(referralFromMessage(example()).request);
  });

  it('refuses a bundle that is not a referral message: no id, another event', () => {
    const message = example();
    delete message.id;
    message.entry[0].resource.eventCoding.code = 'servicerequest-cancel';
    const { status, issues } = refusal(message);
    expect(status).toBe(400);
    expect(issues.map((i) => i.expression)).toEqual(['Bundle.id', 'Bundle.entry[0].resource.eventCoding']);
    expect(refusal({ resourceType: 'Patient' }).issues[0]!.expression).toBe('Bundle');
  });

  it('refuses a message id that is not a FHIR id (it is the idempotency key: 2,100 characters overflowed the key)', () => {
    for (const id of ['x'.repeat(2_100), 'x'.repeat(65), 'a b', 'message/1']) {
      const message = example();
      message.id = id;
      expect(refusal(message), id.slice(0, 20)).toEqual({
        status: 400,
        issues: [{ code: 'value', expression: 'Bundle.id', message: 'must be a FHIR id: 1 to 64 letters, digits, "-" or "."' }],
      });
    }
    const longest = example();
    longest.id = 'A-z.0'.repeat(12) + 'abcd';
    expect(referralFromMessage(longest).messageId).toHaveLength(64);
  });

  it('refuses two different body sites, and takes two codes of one site', () => {
    const twoSites = example();
    twoSites.entry[1].resource.bodySite.push({ coding: [{ system: FHIR_SYSTEMS.snomed, code: '72696002' }] });
    expect(refusal(twoSites).issues[0]).toMatchObject({ code: 'business-rule', expression: 'Bundle.entry[1].resource.bodySite' });
    const wristAndHand = example();
    wristAndHand.entry[1].resource.bodySite = BODY_SITE_SNOMED['wrist-hand'].map(({ code }) => ({
      coding: [{ system: FHIR_SYSTEMS.snomed, code }],
    }));
    expect(referralFromMessage(wristAndHand).request.complaint.bodySite).toBe('wrist-hand');
  });
});

describe('FHIR messages that are not safe to read', () => {
  it.each(UNREADABLE_MESSAGES)('refuses %s with 400 naming the element, before FHIR.js reads it', (_, breakIt, expression) => {
    const message = example();
    breakIt(message);
    const { status, issues } = refusal(message);
    expect(status).toBe(400);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'structure' });
    expect(issues[0]!.expression!.startsWith(expression), issues[0]!.expression).toBe(true);
  });

  it('takes JSON nested 64 levels deep and refuses 65, naming where it went too deep', () => {
    const nested = (levels: number) => {
      const message = example();
      let extension: Record<string, unknown> = { url: 'https://example.org/leaf', valueString: 'x' };
      for (let i = 1; i < levels; i++) extension = { url: 'https://example.org/level', extension: [extension] };
      message.entry[2].resource.extension = [extension];
      return message;
    };
    // Bundle 1, entry 2, entry[2] 3, resource 4, extension 5, extension[0] 6; then each level adds its array and its object.
    expect(() => referralFromMessage(nested(30))).not.toThrow();
    const { status, issues } = refusal(nested(31));
    expect(status).toBe(400);
    expect(issues[0]!.message).toBe('is nested more than 64 levels deep');
    expect(issues[0]!.expression).toBe(`Bundle.entry[2].resource${'.extension[0]'.repeat(30)}.extension`);
  });

  it('answers 400 at Bundle, never an error, when FHIR.js throws on something not foreseen', () => {
    const validate = vi.spyOn(Fhir.prototype, 'validate').mockImplementation(() => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    try {
      expect(refusal(example())).toEqual({
        status: 400,
        issues: [{ code: 'structure', expression: 'Bundle', message: expect.stringContaining('could not be read as FHIR R4') }],
      });
    } finally {
      validate.mockRestore();
    }
  });

  it('answers 400 at Bundle, never an error, when the mapping throws on something not foreseen', () => {
    const parse = vi.spyOn(referralRequestSchema, 'safeParse').mockImplementation(() => {
      throw new TypeError("Cannot read properties of null (reading 'code')");
    });
    try {
      expect(refusal(example())).toEqual({
        status: 400,
        issues: [{ code: 'structure', expression: 'Bundle', message: 'could not be read as a FHIR R4 referral message' }],
      });
    } finally {
      parse.mockRestore();
    }
  });
});

describe('the SNOMED CT body site table', () => {
  it('takes wrist region, wrist joint and hand as wrist-hand, and sends back only wrist region (8205005)', () => {
    for (const code of ['8205005', '74670003', '85562004']) {
      const message = example();
      message.entry[1].resource.bodySite = [{ coding: [{ system: FHIR_SYSTEMS.snomed, code }] }];
      const { request } = referralFromMessage(message);
      expect(request.complaint.bodySite, code).toBe('wrist-hand');
      expect(serviceRequestOf(storedReferral(request)).bodySite).toEqual([
        { coding: [{ system: FHIR_SYSTEMS.snomed, code: '8205005', display: 'Wrist region structure' }] },
      ]);
    }
  });

  it('gives every body site a code, and reads each code back as its site', () => {
    for (const site of BODY_SITES) {
      expect(BODY_SITE_SNOMED[site].length).toBeGreaterThan(0);
      for (const { code } of BODY_SITE_SNOMED[site]) expect(bodySiteOfSnomed(code)).toBe(site);
    }
  });
});

describe('referral to FHIR', () => {
  it('maps every status to a Task status and a businessStatus (a new status without a row fails here)', () => {
    for (const status of REFERRAL_STATUSES) {
      expect(TASK_STATUS[status], status).toMatchObject({ task: expect.any(String), display: expect.any(String) });
    }
    expect(TASK_STATUS.awaiting_call.display).toBe('Awaiting first contact call');
    expect(TASK_STATUS.closed_declined.display).toBe('Closed: patient declined');
  });

  it('documents every row of the businessStatus table in the README', () => {
    const rows = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')
      .split('\n')
      .map((line) => line.split('|').map((cell) => cell.trim()));
    for (const [status, { task, display }] of Object.entries(TASK_STATUS)) {
      expect(rows, status).toContainEqual(['', `\`${status}\``, `\`${task}\``, display, '']);
    }
  });

  it('sends back the body site as the SNOMED CT code it came as (the round trip)', () => {
    const { request } = referralFromMessage(example());
    const serviceRequest = serviceRequestOf(storedReferral(request));
    expect(serviceRequest.bodySite).toEqual([
      { coding: [{ system: FHIR_SYSTEMS.snomed, code: '37822005', display: 'Lower back structure' }] },
    ]);
    expect(serviceRequest.subject).toEqual({ identifier: { system: FHIR_SYSTEMS.nhsNumber, value: '9434765919' } });
    expect(serviceRequest.requester).toEqual({ identifier: { system: FHIR_SYSTEMS.odsCode, value: 'P81001' } });
  });

  it('makes only resources FHIR.js finds valid R4, for every status and after retention', () => {
    for (const status of REFERRAL_STATUSES) {
      const referral = storedReferral({ status });
      const { header } = referralFromMessage(example());
      for (const resource of [
        serviceRequestOf(referral),
        taskOf(referral),
        searchSet([taskOf(referral)]),
        responseMessage(referral, header),
      ]) {
        expect(structureIssues(resource), `${resource.resourceType} for ${status}`).toEqual([]);
      }
    }
    const removed = storedReferral({ status: 'attended_discharged', patient: undefined, personalDataRemovedAt: '2034-01-01T00:00:00Z' });
    expect(structureIssues(taskOf(removed))).toEqual([]);
    expect(JSON.stringify(taskOf(removed))).not.toContain('9434765919');
  });

  it("answers a message with ok, naming the request's MessageHeader and the ServiceRequest", () => {
    const { header } = referralFromMessage(example());
    const answer = responseMessage(storedReferral(), header);
    expect(answer.entry![0]!.resource).toMatchObject({
      resourceType: 'MessageHeader',
      response: { identifier: '1d3a4b6e-0f6c-4a7e-9a7a-7e1c1f0f1001', code: 'ok' },
      focus: [{ reference: 'ServiceRequest/01JB2C3D4E5F6G7H8J9K0M1N2P' }],
    });
    expect(taskOf(storedReferral()).businessStatus!.text).toBe('Awaiting triage');
  });
});

describe('OperationOutcome', () => {
  it('is valid R4, one issue per problem with its expression', () => {
    const outcome = operationOutcome([
      { code: 'value', expression: 'Bundle.entry[2].resource.birthDate', message: 'must not be in the future' },
      { code: 'required', message: 'a ServiceRequest is required' },
    ]);
    expect(structureIssues(outcome)).toEqual([]);
    expect(outcome.issue[0]).toEqual({
      severity: 'error',
      code: 'value',
      diagnostics: 'Bundle.entry[2].resource.birthDate: must not be in the future',
      expression: ['Bundle.entry[2].resource.birthDate'],
    });
  });

  it('says the same problem at the same element once', () => {
    const twice = { code: 'structure' as const, expression: 'Bundle.entry[2].resource.gender', message: 'Code "x" not found in value set' };
    const outcome = operationOutcome([twice, { ...twice }, { ...twice, expression: 'Bundle.entry[5].resource.gender' }]);
    expect(outcome.issue.map((i) => i.expression)).toEqual([['Bundle.entry[2].resource.gender'], ['Bundle.entry[5].resource.gender']]);
  });

  it('answers an unexpected failure as a logged 500 OperationOutcome with nothing of the error in it', () => {
    const answer = fhirErrorResponse(new Error('patient Sam Jones'));
    expect(answer.statusCode).toBe(500);
    expect(answer.headers!['Content-Type']).toMatch(/^application\/fhir\+json/);
    expect(answer.body).not.toContain('Sam');
  });
});
