/**
 * The FHIR side of the web layer's answers: resources as `application/fhir+json`, and every refusal
 * as an OperationOutcome with one issue per problem, each with a FHIRPath `expression` naming the
 * element at fault (never a 5xx for bad input).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

import { logger } from '../../logger.js';
import { isNetworkFailure } from '../../network.js';
import { UnavailableError } from '../../store/errors.js';
import {
  type ApiHandler,
  bodyBytes,
  header,
  HttpError,
  httpHandler,
  isTransientAwsError,
  RETRY_AFTER_SECONDS,
  safeErrorDetails,
} from '../api.js';
import type { OperationOutcome, OperationOutcomeIssue } from './types.js';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** One problem with what was sent: its FHIR issue type, where it is, and what is wrong. */
export interface FhirIssue {
  code: OperationOutcomeIssue['code'];
  /** FHIRPath from the resource sent, e.g. `Bundle.entry[2].resource.birthDate`. */
  expression?: string;
  message: string;
}

/** A refusal answered as an OperationOutcome. */
export class FhirError extends Error {
  override name = 'FhirError';
  constructor(
    readonly statusCode: number,
    readonly issues: FhirIssue[],
    readonly headers: Record<string, string> = {},
  ) {
    super(issues.map((i) => i.message).join('; '));
  }
}

/** One issue per problem: the same message at the same element (FHIR.js can find one twice) is said once. */
export function operationOutcome(issues: FhirIssue[], severity: 'error' | 'fatal' = 'error'): OperationOutcome {
  const seen = new Set<string>();
  const distinct = issues.filter(({ expression, message }) => {
    const key = JSON.stringify([expression, message]);
    return !seen.has(key) && seen.add(key);
  });
  return {
    resourceType: 'OperationOutcome',
    issue: distinct.map(({ code, expression, message }) => ({
      severity,
      code,
      diagnostics: expression ? `${expression}: ${message}` : message,
      ...(expression ? { expression: [expression] } : {}),
    })),
  };
}

export function fhirJson(statusCode: number, resource: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'Content-Type': FHIR_JSON, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers },
    body: JSON.stringify(resource),
  };
}

/** The FHIR issue type for each refusal the JSON API layer names by status. */
const ISSUE_BY_STATUS: Record<number, OperationOutcomeIssue['code']> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'too-costly',
  415: 'not-supported',
  422: 'business-rule',
};

export function fhirErrorResponse(error: unknown): APIGatewayProxyResult {
  if (error instanceof FhirError) return fhirJson(error.statusCode, operationOutcome(error.issues), error.headers);
  if (error instanceof HttpError) {
    const issues = error.issues?.length
      ? error.issues.map(({ path, message }) => ({ code: ISSUE_BY_STATUS[error.statusCode] ?? 'invalid', expression: path, message }))
      : [{ code: ISSUE_BY_STATUS[error.statusCode] ?? 'processing', message: error.message }];
    return fhirJson(error.statusCode, operationOutcome(issues));
  }
  if (isTransientAwsError(error)) {
    const unavailable = error instanceof UnavailableError || isNetworkFailure(error);
    logger.warn(unavailable ? 'dependency unavailable' : 'dependency busy', safeErrorDetails(error));
    const message =
      'the service is busy or unavailable just now; send the same message again in a few seconds (it is never processed twice)';
    return fhirJson(503, operationOutcome([{ code: 'transient', message }]), { 'Retry-After': String(RETRY_AFTER_SECONDS) });
  }
  logger.error('unhandled error', safeErrorDetails(error));
  return fhirJson(500, operationOutcome([{ code: 'exception', message: 'something went wrong on our side; it has been logged' }], 'fatal'));
}

/** A FHIR API handler: refusals and failures answer as OperationOutcome. */
export function fhirHandler(fn: ApiHandler) {
  return httpHandler(fn, fhirErrorResponse);
}

function isFhirJson(value: string | undefined): boolean {
  const [type, ...params] = (value ?? '').split(';').map((s) => s.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='));
  if (charset && !['charset=utf-8', 'charset="utf-8"'].includes(charset)) return false;
  return type === 'application/fhir+json' || type === 'application/json';
}

/** The body as JSON: `application/fhir+json` (or `application/json`), UTF-8, within the size limit. */
export function parseFhirBody(event: APIGatewayProxyEvent): unknown {
  if (!isFhirJson(header(event, 'content-type'))) {
    throw new FhirError(415, [{ code: 'not-supported', message: 'send the message as application/fhir+json (UTF-8)' }]);
  }
  const bytes = bodyBytes(event);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new FhirError(400, [{ code: 'structure', message: 'the body is not valid JSON' }]);
  }
}
