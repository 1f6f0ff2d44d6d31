/**
 * The API on localhost (127.0.0.1, and only for requests addressed to localhost): each HTTP request
 * becomes the API Gateway (REST, proxy) event the same handler gets in AWS, routed by the shared
 * route table. Auth stands in for the Cognito authorizer.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

import type { StaffUser } from '../shared/domain/staff.js';
import { staffToken } from '../shared/http/staff-session.js';
import type { StaffIdentity } from '../shared/ports/staff-identity.js';
import { REFERRER_SCOPE, type Route, routes } from '../shared/routes.js';
import { lambdaContext, loadHandler } from './workflow-runner.js';

/** API Gateway refuses payloads over 10 MB before any Lambda runs; so does this server. */
const API_GATEWAY_MAX_PAYLOAD = 10 * 1024 * 1024;

export interface LocalServerOptions {
  referrerToken: string;
  /** More referring systems, by bearer token: their client ids. */
  otherReferrers?: Record<string, string>;
  /** Who a staff token or session cookie belongs to (the staff authorizer's part). */
  staffIdentity: StaffIdentity;
  /** Extra local-only routes (health, outbox), answered before the API routes. */
  localRoutes?: Record<string, (req: IncomingMessage, url: URL) => Promise<LocalAnswer> | LocalAnswer>;
}

export type LocalAnswer = { status: number; body: unknown; headers?: Record<string, string> };

export const LOCAL_REFERRER_CLIENT_ID = 'local-referrer';

/**
 * The names this server answers to, with any port. A web page whose own name an attacker points at
 * 127.0.0.1 (DNS rebinding) would otherwise read the outbox, sign in as anyone at the sign-in
 * stand-in and use the local default tokens; its requests carry its own name as Host. API Gateway
 * too answers only its own names.
 */
const LOCAL_HOST = /^(localhost|127\.0\.0\.1)(:\d{1,5})?$/i;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  // A page (the local sign-in stand-in) goes as it is; anything else as JSON.
  res.end(typeof body === 'string' && headers['Content-Type']?.startsWith('text/html') ? body : JSON.stringify(body));
}

/** As API Gateway: a literal path segment wins over a {parameter} (`/staff/sign-in` before `/staff/{queue}`). */
const byLiteralFirst = [...routes].sort((a, b) => (a.path.match(/\{/g)?.length ?? 0) - (b.path.match(/\{/g)?.length ?? 0));

function matchRoute(method: string, path: string): { route?: Route; params?: Record<string, string>; pathKnown: boolean } {
  let pathKnown = false;
  for (const route of byLiteralFirst) {
    const names: string[] = [];
    // Literal parts are escaped: `/fhir/$process-message` has a `$` in it.
    const literal = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(`^${literal.replace(/\{(\w+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'))}$`);
    const match = pattern.exec(path);
    if (!match) continue;
    pathKnown = true;
    if (route.method !== method) continue;
    const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
    return { route, params, pathKnown };
  }
  return { pathKnown };
}

function sameSecret(token: string | undefined, expected: string): boolean {
  const a = Buffer.from(token ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The referring system a bearer token belongs to, as Cognito's authorizer would name its client. */
function referrerClientOf(token: string | undefined, options: LocalServerOptions): string | undefined {
  if (sameSecret(token, options.referrerToken)) return LOCAL_REFERRER_CLIENT_ID;
  return Object.entries(options.otherReferrers ?? {}).find(([other]) => sameSecret(token, other))?.[1];
}

function bearerOf(req: IncomingMessage): string | undefined {
  return /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
}

export async function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > API_GATEWAY_MAX_PAYLOAD) return 'too_large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function toProxyEvent(
  req: IncomingMessage,
  url: URL,
  route: Route,
  params: Record<string, string>,
  body: Buffer,
  staff: StaffUser | undefined,
  referrerClientId: string,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    const value = req.rawHeaders[i + 1]!;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query = [...url.searchParams.keys()];
  return {
    resource: route.path,
    path: url.pathname,
    httpMethod: route.method,
    headers,
    multiValueHeaders,
    queryStringParameters: query.length ? Object.fromEntries(url.searchParams) : null,
    multiValueQueryStringParameters: query.length ? Object.fromEntries(query.map((k) => [k, url.searchParams.getAll(k)])) : null,
    pathParameters: Object.keys(params).length ? params : null,
    stageVariables: null,
    body: body.length ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      httpMethod: route.method,
      path: url.pathname,
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: route.path,
      stage: 'local',
      identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1' } as never,
      // What API Gateway's Cognito authorizer passes on; routes without one get nothing.
      authorizer:
        route.auth === 'referrer'
          ? { claims: { client_id: referrerClientId, scope: `${REFERRER_SCOPE.resourceServer}/${REFERRER_SCOPE.scope}` } }
          : route.auth === 'staff' && staff
            ? { userId: staff.id, name: staff.name, roles: staff.roles.join(',') }
            : undefined,
    },
  };
}

export function createLocalServer(options: LocalServerOptions): Server {
  return createServer(async (req, res) => {
    try {
      if (!LOCAL_HOST.test(req.headers.host ?? '')) {
        return send(res, 421, { error: 'misdirected_request', message: 'this local service answers at localhost only' });
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = req.method ?? 'GET';
      const local = options.localRoutes?.[`${method} ${url.pathname}`];
      if (local) {
        const { status, body, headers } = await local(req, url);
        return send(res, status, body, headers);
      }
      const { route, params, pathKnown } = matchRoute(method, url.pathname);
      if (!route) {
        return pathKnown
          ? send(res, 405, { error: 'method_not_allowed', message: `${method} is not allowed here` })
          : send(res, 404, { error: 'not_found', message: 'no such resource' });
      }
      // Referrers: the bearer token. Staff: the bearer token or the session cookie, as the staff authorizer.
      const staff = route.auth === 'staff' ? await options.staffIdentity.verify(staffToken({ headers: req.headers as never })) : undefined;
      const referrer = route.auth === 'referrer' ? referrerClientOf(bearerOf(req), options) : undefined;
      const refused = route.auth === 'referrer' ? !referrer : route.auth === 'staff' && !staff;
      if (refused) {
        return send(res, 401, { error: 'unauthorized', message: 'a valid bearer token is required' }, { 'WWW-Authenticate': 'Bearer' });
      }
      const body = await readBody(req);
      if (body === 'too_large') return send(res, 413, { error: 'payload_too_large', message: 'request body too large' });
      const handler = await loadHandler(route.function);
      const result = (await handler(
        toProxyEvent(req, url, route, params ?? {}, body, staff, referrer ?? LOCAL_REFERRER_CLIENT_ID),
        lambdaContext(route.function),
      )) as APIGatewayProxyResult;
      res.writeHead(result.statusCode, { ...result.headers, ...result.multiValueHeaders } as Record<string, string | string[]>);
      if (method === 'HEAD') return res.end();
      res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
    } catch (error) {
      console.error('[local] request failed:', (error as Error).name, (error as Error).message);
      if (!res.headersSent) send(res, 500, { error: 'internal_error', message: 'local runtime error' });
      else res.end();
    }
  });
}
