/**
 * The API's contract as an OpenAPI 3.1 document, generated from the route table and the same zod
 * schemas the handlers validate with (zod-openapi renders them as JSON Schema 2020-12). Checked in
 * as docs/openapi.json and served at GET /openapi.json; `npm run openapi` writes it again, and
 * test/unit/openapi.test.ts fails when the checked-in file is stale, when it lists other routes
 * than shared/routes.ts, or when Redocly's linter finds a problem.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as z from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiResponsesObject } from 'zod-openapi';

import { clinicSchema, slotsRequestSchema } from '../shared/domain/booking.js';
import { TASK_STATUS } from '../shared/domain/fhir-codes.js';
import { informationRequestSchema, referralRequestSchema } from '../shared/domain/referral.js';
import { REFERRAL_STATUSES } from '../shared/domain/vocabulary.js';
import { SESSION_COOKIE } from '../shared/http/staff-session.js';
import { REFERRER_SCOPE, type Route, routes } from '../shared/routes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const OPENAPI_FILE = join(ROOT, 'docs/openapi.json');
const EXAMPLE_MESSAGE = join(ROOT, 'docs/fhir/example-referral-message.json');
const SCOPE = `${REFERRER_SCOPE.resourceServer}/${REFERRER_SCOPE.scope}`;

// Answers. Objects are open (fields are only ever added); what is there is typed.
const fieldIssue = z.object({ path: z.string(), message: z.string() });
const errorBody = z
  .looseObject({ error: z.string(), message: z.string(), issues: z.array(fieldIssue).optional() })
  .meta({ id: 'Error', description: 'A refusal or failure: a code, a sentence, and for bad input each field with its problem' });
const status = z.enum(REFERRAL_STATUSES).meta({ id: 'ReferralStatus' });
const summary = {
  id: z.string().meta({ description: 'The referral id (a ULID)' }),
  status,
  source: z.enum(['gp', 'self']),
  receivedAt: z.iso.datetime(),
  triageDueAt: z.iso.datetime(),
};
const receipt = z.looseObject({ ...summary, links: z.looseObject({ self: z.string() }) }).meta({ id: 'ReferralReceipt' });
const statusView = z
  .looseObject({
    ...summary,
    updatedAt: z.iso.datetime(),
    priority: z.enum(['emergency', 'urgent', 'routine']).optional(),
    suggestedService: z.string().optional(),
    outcome: z.looseObject({ decision: z.string(), decidedBy: z.string(), decidedAt: z.iso.datetime() }).optional(),
    timeline: z.array(z.looseObject({ type: z.string(), at: z.iso.datetime(), actor: z.string() })),
  })
  .meta({ id: 'ReferralStatusView' });

// FHIR R4, as far as this API's answers go: FHIR.js checks the rest against the R4 definitions.
const coding = z.looseObject({ system: z.string().optional(), code: z.string().optional(), display: z.string().optional() });
const operationOutcome = z
  .looseObject({
    resourceType: z.literal('OperationOutcome'),
    issue: z
      .array(
        z.looseObject({
          severity: z.enum(['fatal', 'error', 'warning', 'information']),
          code: z.string(),
          diagnostics: z.string().optional(),
          expression: z.array(z.string().meta({ description: 'FHIRPath of the element at fault' })).optional(),
        }),
      )
      .min(1),
  })
  .meta({ id: 'OperationOutcome', description: 'FHIR R4 OperationOutcome: one issue per problem' });
const serviceRequest = z
  .looseObject({
    resourceType: z.literal('ServiceRequest'),
    id: z.string(),
    status: z.enum(['active', 'on-hold', 'revoked', 'completed']),
    intent: z.literal('order'),
    priority: z.enum(['routine', 'urgent', 'stat']).optional(),
    subject: z.looseObject({}),
    authoredOn: z.iso.datetime(),
    bodySite: z.array(z.looseObject({ coding: z.array(coding) })),
  })
  .meta({ id: 'ServiceRequest', description: 'FHIR R4 ServiceRequest: the referral, without free text' });
const task = z
  .looseObject({
    resourceType: z.literal('Task'),
    id: z.string(),
    status: z.enum([...new Set(Object.values(TASK_STATUS).map((s) => s.task))] as [string, ...string[]]),
    intent: z.literal('order'),
    businessStatus: z.looseObject({ coding: z.array(coding).min(1), text: z.enum(Object.values(TASK_STATUS).map((s) => s.display)) }),
    focus: z.looseObject({ reference: z.string() }),
    lastModified: z.iso.datetime(),
  })
  .meta({ id: 'Task', description: "FHIR R4 Task: the referral's status (businessStatus: the README's table)" });
const entry = (resource: z.ZodType) => z.looseObject({ fullUrl: z.string(), resource });
const taskSearch = z
  .looseObject({ resourceType: z.literal('Bundle'), type: z.literal('searchset'), total: z.number().int(), entry: z.array(entry(task)) })
  .meta({ id: 'TaskSearchSet' });
const responseMessage = z
  .looseObject({
    resourceType: z.literal('Bundle'),
    id: z.string(),
    type: z.literal('message'),
    timestamp: z.iso.datetime(),
    entry: z.tuple([
      entry(
        z.looseObject({
          resourceType: z.literal('MessageHeader'),
          response: z.looseObject({ identifier: z.string(), code: z.literal('ok') }),
        }),
      ),
      entry(serviceRequest),
      entry(task),
    ]),
  })
  .meta({ id: 'ResponseMessage', description: 'FHIR R4 response message: ok, with the ServiceRequest created and its Task' });
const referralMessage = z
  .looseObject({ resourceType: z.literal('Bundle'), id: z.string(), type: z.literal('message'), entry: z.array(z.looseObject({})).min(2) })
  .meta({
    id: 'ReferralMessage',
    description: "FHIR R4 message (BaRS-shaped): MessageHeader, ServiceRequest, Patient, the referrer, answers. See the README's mapping.",
  });

const JSON_TYPE = 'application/json';
const FHIR_TYPE = 'application/fhir+json';
type Answer = (description: string, schema?: z.ZodType) => { description: string; content: Record<string, { schema: z.ZodType }> };
const json: Answer = (description, schema = errorBody) => ({ description, content: { [JSON_TYPE]: { schema } } });
const fhir: Answer = (description, schema = operationOutcome) => ({ description, content: { [FHIR_TYPE]: { schema } } });
const page = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
const redirect = (description: string) => ({ description, headers: { Location: { schema: { type: 'string' as const } } } });

/** Answers every JSON API route can give besides its own. */
const apiAnswers = (fhirRoute = false): ZodOpenApiResponsesObject => {
  const answer = fhirRoute ? fhir : json;
  return {
    '401': json('No valid bearer token (answered by the gateway, in the JSON error shape)'),
    '500': answer('Something went wrong on our side; it has been logged'),
    '503': { ...answer('DynamoDB, Step Functions or SNS busy or unreachable: retry after Retry-After seconds'), headers: retryAfter },
  };
};
const retryAfter = { 'Retry-After': { schema: { type: 'string' as const }, description: 'Seconds to wait before retrying' } };
const bodyAnswers = (answer: Answer) => ({
  '413': answer('Body over 64 KB'),
  '415': answer('Not JSON (UTF-8)'),
});
const idParam = { path: z.object({ id: z.string().meta({ description: 'The referral id' }) }) };
/** What every page handler answers when it fails (shared/http/pages.ts): a page, not JSON. */
const pageFailures: ZodOpenApiResponsesObject = {
  '500': page('Something went wrong on our side; it has been logged'),
  '503': { ...page('Busy or unavailable: try again in a minute'), headers: retryAfter },
};
const pageAnswers: ZodOpenApiResponsesObject = {
  '403': page('Refused (another site, or a role that may not)'),
  '404': page('No such page'),
};
const staffPage = (summary: string, post = false): ZodOpenApiOperationObject => ({
  summary,
  tags: ['staff pages'],
  responses: {
    ...(post ? { '303': redirect('Done: to the next page') } : { '200': page('The page') }),
    '302': redirect('No session: to sign-in, and back'),
    '400': page('Errors beside their fields'),
    ...pageAnswers,
    '409': page('Already decided or changed by someone else'),
    ...pageFailures,
  },
});
const staffApi = (
  summary: string,
  ok: ZodOpenApiResponsesObject,
  extra: Partial<ZodOpenApiOperationObject> = {},
): ZodOpenApiOperationObject => ({
  summary,
  tags: ['staff API'],
  security: [{ staff: [] }],
  ...extra,
  responses: { ...ok, '400': json('Invalid query or fields'), '403': json('Signed in without the role'), ...apiAnswers() },
});
const publicPage = (summary: string, ok: ZodOpenApiResponsesObject = { '200': page('The page') }): ZodOpenApiOperationObject => ({
  summary,
  tags: ['public'],
  security: [],
  responses: { ...ok, '404': page('No such page'), ...pageFailures },
});

/** Every route's operation, by `METHOD path`. A route missing here fails the generator. */
const OPERATIONS: Record<string, ZodOpenApiOperationObject> = {
  'POST /referrals': {
    summary: 'Send a referral',
    tags: ['referrals'],
    requestParams: {
      header: z.object({
        'Idempotency-Key': z
          .string()
          .regex(/^[\x21-\x7e]{1,255}$/)
          .optional(),
      }),
    },
    requestBody: { required: true, content: { [JSON_TYPE]: { schema: referralRequestSchema } } },
    responses: {
      '201': { ...json('Accepted and stored; its workflow has started', receipt), headers: { Location: { schema: { type: 'string' } } } },
      '400': json('Invalid JSON or fields: every bad field named'),
      ...bodyAnswers(json),
      '422': json('idempotency_key_reused: the key was used with a different body'),
      ...apiAnswers(),
    },
  },
  'GET /referrals/{id}': {
    summary: "A referral's status, outcome and timeline",
    tags: ['referrals'],
    requestParams: idParam,
    responses: { '200': json('The referral', statusView), '404': json('No such referral (or not yours)'), ...apiAnswers() },
  },
  'POST /referrals/{id}/information': {
    summary: "Answer the triage team's question",
    tags: ['referrals'],
    requestParams: idParam,
    requestBody: { required: true, content: { [JSON_TYPE]: { schema: informationRequestSchema } } },
    responses: {
      '202': json('Received: the referral is back in triage', statusView),
      '400': json('Invalid JSON or fields'),
      '404': json('No such referral (or not yours)'),
      '409': json('not_waiting_for_information'),
      ...bodyAnswers(json),
      ...apiAnswers(),
    },
  },
  'POST /fhir/$process-message': {
    summary: 'Send a referral as a FHIR R4 message (BaRS-shaped)',
    description: 'Idempotent on Bundle.id: the same message again answers with the same referral and creates nothing.',
    tags: ['FHIR'],
    requestBody: {
      required: true,
      content: { [FHIR_TYPE]: { schema: referralMessage, example: JSON.parse(readFileSync(EXAMPLE_MESSAGE, 'utf8')) as unknown } },
    },
    responses: {
      '200': fhir('Accepted and stored; its workflow has started (resent: the same answer, Idempotent-Replayed: true)', responseMessage),
      '400': fhir('Not JSON, or not a well-formed FHIR R4 referral message'),
      '422': fhir("A referral rule broken (each issue's expression names the element), or the message id reused for another referral"),
      ...bodyAnswers(fhir),
      ...apiAnswers(true),
    },
  },
  'GET /fhir/ServiceRequest/{id}': {
    summary: 'A referral as a FHIR ServiceRequest',
    tags: ['FHIR'],
    requestParams: idParam,
    responses: {
      '200': fhir('The ServiceRequest', serviceRequest),
      '404': fhir('No such ServiceRequest (or not yours)'),
      ...apiAnswers(true),
    },
  },
  'GET /fhir/Task': {
    summary: "A referral's status as a FHIR Task",
    tags: ['FHIR'],
    requestParams: { query: z.object({ focus: z.string().meta({ example: 'ServiceRequest/01JB2C3D4E5F6G7H8J9K0M1N2P' }) }) },
    responses: {
      '200': fhir('The Task (none when the referral is not yours)', taskSearch),
      '400': fhir('No focus=ServiceRequest/<id>'),
      ...apiAnswers(true),
    },
  },
  'GET /openapi.json': publicPage('This document', {
    '200': { description: 'OpenAPI 3.1', content: { [JSON_TYPE]: { schema: z.looseObject({}) } } },
  }),
  'GET /tasks/{link}': staffPage('A decision page behind an emailed link (reading changes nothing)'),
  'POST /tasks/{link}': staffPage('Record a decision once', true),
  'GET /staff': staffPage('The workspace: its queues'),
  'GET /staff/clinics': staffPage('Clinics and timetables'),
  'POST /staff/clinics': staffPage('Change a clinic, a session or a slot', true),
  'GET /staff/{queue}': staffPage('A queue, a search, or the access log'),
  'POST /staff/claims/{id}': staffPage('Claim a referral, or let it go', true),
  'POST /staff/close/{id}': staffPage('Close a stopped journey with a reason', true),
  'POST /staff/retry/{id}': staffPage('Retry a stopped journey', true),
  'POST /staff/find': staffPage('Find a referral by reference or NHS number', true),
  'GET /a/{link}': publicPage("The patient's booking or appointment page (the link is the capability)", {
    '200': page('The page'),
    '410': page('Expired or closed link: what to do instead'),
  }),
  'POST /a/{link}': publicPage('Book, change or cancel', {
    '303': redirect('Done'),
    '400': page('Errors beside their fields'),
    '409': page('Taken or already done'),
    '410': page('Expired link'),
  }),
  'PUT /admin/clinics/{clinicId}': staffApi(
    'Load a clinic',
    { '200': json('Stored', z.looseObject({ clinicId: z.string() })) },
    {
      requestParams: { path: z.object({ clinicId: z.string() }) },
      requestBody: { required: true, content: { [JSON_TYPE]: { schema: clinicSchema } } },
    },
  ),
  'POST /admin/slots': staffApi(
    'Load appointment slots',
    { '200': json('Added, or already loaded', z.looseObject({ added: z.number().int(), alreadyLoaded: z.number().int() })) },
    { requestBody: { required: true, content: { [JSON_TYPE]: { schema: slotsRequestSchema } } } },
  ),
  'GET /metrics': staffApi('The figures', { '200': json('Figures for the period', z.looseObject({})) }),
  'GET /metrics.csv': staffApi('The figures as CSV', { '200': { description: 'CSV', content: { 'text/csv': { schema: z.string() } } } }),
  'GET /waiting-list.csv': staffApi(
    'The weekly waiting-list return: patients waiting for a first appointment at the end of a Sunday, per service and weeks-waited band',
    {
      '200': { description: 'CSV: a row per service and one for all', content: { 'text/csv': { schema: z.string() } } },
    },
    {
      requestParams: {
        query: z.object({ weekEnding: z.iso.date().optional().meta({ description: 'A Sunday (UK); default the last one' }) }),
      },
    },
  ),
  'GET /dashboard': staffApi('The dashboard page', { '200': page('The page') }),
  'GET /dashboard/referrals/{id}': staffApi("A referral's audit trail as a page", { '200': page('The page') }, { requestParams: idParam }),
  'GET /audit/referrals/{id}': staffApi(
    "A referral's audit trail",
    { '200': json('Every event with who and when', z.looseObject({})), '404': json('No such referral') },
    { requestParams: idParam },
  ),
  'GET /staff/sign-in': publicPage('Staff sign-in: to the staff pool (PKCE)', { '302': redirect('To the sign-in page') }),
  'GET /staff/signed-in': publicPage('Back from sign-in: the session cookie is set', {
    '302': redirect('To the page that sent you'),
    '400': page('The sign-in did not finish (no or a stale state): start again'),
    '401': page('The sign-in was not accepted: start again'),
  }),
  'GET /staff/sign-out': publicPage('The sign-out button'),
  'POST /staff/sign-out': publicPage('Sign out', { '302': redirect("To the staff pool's logout") }),
  'GET /staff/signed-out': publicPage('Signed out'),
  'GET /self-referral': publicPage('The self-referral form'),
  'POST /self-referral': publicPage('Refer yourself', {
    '200': page('Received (or: go to A&E now)'),
    '400': page('Errors beside their fields'),
    '403': page('Posted from another site'),
    '409': page('This form was already sent'),
  }),
  'GET /self-care': publicPage('Self-care advice'),
  'GET /assets/{file}': publicPage('A stylesheet', { '200': { description: 'The file', content: { 'text/css': { schema: z.string() } } } }),
};

/** `{name}` parameters of link and page routes, as plain strings (the handlers check them). */
function pathParams(route: Route): ZodOpenApiOperationObject['requestParams'] {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  return names.length ? { path: z.object(Object.fromEntries(names.map((n) => [n, z.string()]))) } : undefined;
}

const SECURITY = { referrer: [{ referrer: [SCOPE] }], staff: [{ staff: [] }], session: [{ staffSession: [] }], link: [], public: [] };

export function openApiDocument() {
  const paths: Record<string, Record<string, ZodOpenApiOperationObject>> = {};
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    const operation = OPERATIONS[key];
    if (!operation) throw new Error(`no OpenAPI operation for ${key}: add it to OPERATIONS in infra/openapi.ts`);
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      operationId: `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string = '') => c.toUpperCase())}`,
      security: SECURITY[route.auth],
      requestParams: pathParams(route),
      ...operation,
    };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'MSK Pathway',
      version: '1',
      description:
        'Referrals into an integrated musculoskeletal service: JSON and FHIR R4 (BaRS-shaped messages), status, staff ' +
        'and patient pages. Fields are only ever added, optionally. Generated from the route table and the zod schemas.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: 'http://localhost:3000', description: 'npm start (in AWS: the stack output ApiUrl)' }],
    tags: [
      { name: 'referrals', description: 'Referring systems: send referrals as JSON, read their status, answer questions' },
      { name: 'FHIR', description: 'Referring systems: the same referrals as FHIR R4 messages and resources' },
      { name: 'staff API', description: 'Staff scripts and spreadsheets: clinics, slots, figures, audit trails' },
      { name: 'staff pages', description: 'The staff workspace and decision pages (a signed-in session)' },
      { name: 'public', description: "Patients' pages behind their links, the public form, sign-in, this document" },
    ],
    components: {
      securitySchemes: {
        referrer: {
          type: 'oauth2',
          description: "A referring system's Cognito app client (client credentials); locally POST /local/oauth2/token",
          flows: {
            clientCredentials: {
              tokenUrl: 'http://localhost:3000/local/oauth2/token',
              scopes: { [SCOPE]: 'Send referrals and read their status' },
            },
          },
        },
        staff: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A staff-pool ID token (or the session cookie)' },
        staffSession: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: 'The staff session cookie (pages send browsers to sign in)',
        },
      },
    },
    paths,
  });
}

/** The document as written to docs/openapi.json (and served). */
export const openApiText = () => `${JSON.stringify(openApiDocument(), null, 2)}\n`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // As Prettier lays it out, so that `prettier --check` passes on what this writes.
  const { format, resolveConfig } = await import('prettier');
  const options = { ...(await resolveConfig(OPENAPI_FILE)), filepath: OPENAPI_FILE };
  writeFileSync(OPENAPI_FILE, await format(openApiText(), options));
  console.log(`wrote ${OPENAPI_FILE}`);
}
