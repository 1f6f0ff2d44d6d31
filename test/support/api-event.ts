import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

import { lambdaContext } from '../../local/workflow-runner.js';

/** A minimal API Gateway REST proxy event, as the Cognito-authorised route would deliver it. */
export function apiEvent(options: {
  method?: string;
  path?: string;
  body?: unknown;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  clientId?: string | null;
  /** The route template (default: the path). */
  resource?: string;
  /** The authorizer's claims (default: a referrer client's). */
  claims?: Record<string, unknown>;
}): APIGatewayProxyEvent {
  const {
    method = 'POST',
    path = '/referrals',
    body,
    headers = { 'Content-Type': 'application/json' },
    clientId = 'gp-system-1',
  } = options;
  return {
    httpMethod: method,
    path,
    resource: options.resource ?? path,
    headers,
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: options.pathParameters ?? null,
    stageVariables: null,
    isBase64Encoded: false,
    body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
    requestContext: {
      path,
      httpMethod: method,
      stage: 'v1',
      requestId: 'test',
      authorizer: options.claims ? { claims: options.claims } : clientId === null ? undefined : { claims: { client_id: clientId } },
    } as never,
  };
}

export const context = (name = 'test'): Context => lambdaContext(name);
