/**
 * What every API handler shares: auth context, body checks in the order a client can act on
 * (401, 415, 413, 400), field-by-field validation errors, and one error boundary that turns
 * anything unexpected into a logged 500 without leaking details.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';

import { config, MAX_BODY_BYTES } from '../config.js';
import type { Caller } from '../domain/caller.js';
import { type FieldIssue, fieldIssues } from '../domain/field-issues.js';
import { hasRole, rolesFrom, type StaffRole, type StaffUser } from '../domain/staff.js';
import { logger } from '../logger.js';
import { isNetworkFailure } from '../network.js';
import { BusyError, ConcurrentChangeError, UnavailableError } from '../store/errors.js';
import { HSTS } from './headers.js';

export type { Caller, FieldIssue };
export { fieldIssues };

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
  }
}

const JSON_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/**
 * A cell a spreadsheet will not run: one that starts with =, +, -, @ (or a tab or return) is
 * prefixed with an apostrophe (OWASP's advice for CSV injection). For text cells only: a number is
 * never a formula, and a mean change may be negative.
 */
export const spreadsheetSafe = (value: string): string => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

/** A CSV download (figures, returns): never cached, never sniffed as anything else. */
export function csvAttachment(filename: string, body: string): APIGatewayProxyResult {
  return {
    statusCode: 200,
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
    body,
  };
}

export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/**
 * The authenticated referrer. API Gateway's Cognito authorizer has already checked the token and
 * scope; this reads who it was (and refuses, should a route ever be wired without an authorizer).
 */
export function referrerOf(event: APIGatewayProxyEvent): Caller {
  const claims = (event.requestContext?.authorizer?.claims ?? {}) as Record<string, unknown>;
  const clientId = claims.client_id;
  if (typeof clientId !== 'string' || clientId.length === 0) {
    throw new HttpError(401, 'unauthorized', 'a valid bearer token is required');
  }
  return { clientId };
}

/**
 * The signed-in staff member on a staff API route, as the staff authorizer passed them on (the
 * local runtime passes the same). `role`: refuse (403) anyone without it.
 */
export function staffOf(event: APIGatewayProxyEvent, ...roles: StaffRole[]): StaffUser {
  const authorizer = (event.requestContext?.authorizer ?? {}) as { userId?: unknown; name?: unknown; roles?: unknown; claims?: unknown };
  // A referrer's machine token (claims with a client_id) never counts as staff.
  if (typeof authorizer.userId !== 'string' || !authorizer.userId || authorizer.claims)
    throw new HttpError(401, 'unauthorized', 'staff sign-in is required');
  const user = { id: authorizer.userId, name: String(authorizer.name ?? authorizer.userId), roles: rolesFrom(authorizer.roles) };
  if (!user.roles.length) throw new HttpError(403, 'forbidden', 'this account has no staff role yet');
  if (roles.length && !hasRole(user, ...roles)) throw new HttpError(403, 'forbidden', `this needs the role: ${roles.join(' or ')}`);
  return user;
}

function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const [type, ...params] = value.split(';').map((s) => s.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='));
  if (charset && !['charset=utf-8', 'charset="utf-8"'].includes(charset)) return false;
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type ?? '');
}

/** The request body, checked for type, size and shape, parsed with `schema`. */
export function parseJsonBody<S extends z.ZodType>(event: APIGatewayProxyEvent, schema: S): z.output<S> {
  if (!isJsonContentType(header(event, 'content-type'))) {
    throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json (UTF-8)');
  }
  const bytes = bodyBytes(event);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_json', 'the body is not valid JSON');
  }
  // reportInput lets fieldIssues tell a missing field from a wrong one; inputs never leave here.
  const result = schema.safeParse(parsed, { reportInput: true });
  if (!result.success) {
    throw new HttpError(400, 'validation_failed', 'the request has invalid fields', fieldIssues(result.error));
  }
  return result.data;
}

/**
 * An error's name and call sites, without its message: messages from lower layers (SDK
 * validation, DynamoDB) can quote request data, and the stack's first line repeats the message.
 */
export function safeErrorDetails(error: unknown): { errorName: string; frames: string[] } {
  const err = error as Error | undefined;
  const frames = (err?.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 10)
    .map((l) => l.trim());
  return { errorName: err?.name ?? typeof error, frames };
}

/** AWS errors that mean "busy, try again" once the SDK's own retries are spent (the store's are BusyError). */
const TRANSIENT_ERRORS = new Set(['ThrottlingException', 'ThrottledException', 'InternalServerError', 'ServiceUnavailable']);

/** A failure of a service we depend on that a retry may cure (not a bug, not bad input). */
export function isTransientAwsError(error: unknown): boolean {
  // DynamoDB throttling, unreachable, or writers still colliding after the service's own retries: retry later.
  if (error instanceof BusyError || error instanceof UnavailableError || error instanceof ConcurrentChangeError) return true;
  // Step Functions, SNS or SES not reached (the store already names DynamoDB's as UnavailableError).
  if (isNetworkFailure(error)) return true;
  const err = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  if (TRANSIENT_ERRORS.has(err?.name ?? '')) return true;
  return (err?.$metadata?.httpStatusCode ?? 0) >= 500;
}

/** Seconds a client is asked to wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 5;

export function errorResponse(error: unknown): APIGatewayProxyResult {
  if (error instanceof HttpError) {
    return json(error.statusCode, { error: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) });
  }
  if (isTransientAwsError(error)) {
    const unavailable = error instanceof UnavailableError || isNetworkFailure(error);
    logger.warn(unavailable ? 'dependency unavailable' : 'dependency busy', safeErrorDetails(error));
    return json(
      503,
      {
        error: unavailable ? 'service_unavailable' : 'service_busy',
        message:
          `the service is ${unavailable ? 'unavailable just now' : 'busy'}. ` +
          'Retry in a few seconds with the same Idempotency-Key; a retry never creates a second referral',
      },
      { 'Retry-After': String(RETRY_AFTER_SECONDS) },
    );
  }
  logger.error('unhandled error', safeErrorDetails(error));
  return json(500, { error: 'internal_error', message: 'something went wrong on our side; it has been logged' });
}

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Every answer over HTTPS says to use HTTPS only (the local service, on plain HTTP, does not). */
function withTransportSecurity(response: APIGatewayProxyResult): APIGatewayProxyResult {
  if (!config().PUBLIC_BASE_URL.startsWith('https://')) return response;
  return { ...response, headers: { ...response.headers, 'Strict-Transport-Security': HSTS } };
}

/** Wraps an API Gateway handler with logging context and an error boundary that renders with `onError`. */
export function httpHandler(fn: ApiHandler, onError: (error: unknown) => APIGatewayProxyResult) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      let response: APIGatewayProxyResult;
      try {
        response = await fn(event, context);
      } catch (error) {
        response = onError(error);
      }
      // The route template, never the path: paths carry referral ids and link capabilities.
      logger.info('request', { method: event.httpMethod, route: event.resource, statusCode: response.statusCode });
      return withTransportSecurity(response);
    });
}

/** A JSON API handler: HttpError becomes its status and body, anything else a logged 500. */
export function apiHandler(fn: ApiHandler) {
  return httpHandler(fn, errorResponse);
}

/** The raw body as bytes, refusing (413) anything over the API's limit. */
export function bodyBytes(event: APIGatewayProxyEvent): Buffer {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.byteLength > MAX_BODY_BYTES) {
    throw new HttpError(413, 'payload_too_large', `the body must be at most ${MAX_BODY_BYTES} bytes`);
  }
  return bytes;
}
