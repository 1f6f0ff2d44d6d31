/**
 * The OpenAPI 3.1 contract: current (what `npm run openapi` makes now), exactly the route table's
 * routes, and clean by Redocly's linter (its strictest ruleset, two rules off with their reasons).
 */
import { readFileSync } from 'node:fs';

import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';

import { OPENAPI_FILE, openApiDocument } from '../../infra/openapi.js';
import { routes } from '../../shared/routes.js';

const checkedIn = () => readFileSync(OPENAPI_FILE, 'utf8');

describe('the OpenAPI document', () => {
  it('is what `npm run openapi` makes of the routes and schemas now (docs/openapi.json)', () => {
    expect(JSON.parse(checkedIn())).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('lists exactly the routes in shared/routes.ts', () => {
    const { paths } = JSON.parse(checkedIn()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('documents the answers the handlers give beyond their success', () => {
    const { paths } = JSON.parse(checkedIn()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    const statuses = (route: string) => {
      const [method, path] = route.split(' ') as [string, string];
      return Object.keys(paths[path]![method.toLowerCase()]!.responses);
    };
    expect(statuses('GET /a/{link}')).toContain('410');
    expect(statuses('POST /self-referral')).toContain('409');
    expect(statuses('GET /staff/signed-in')).toEqual(expect.arrayContaining(['400', '401']));
    // Every page handler's error boundary (shared/http/pages.ts) answers 500 and 503 as a page.
    const pages = routes.filter((r) => ['session', 'link', 'public'].includes(r.auth)).map((r) => `${r.method} ${r.path}`);
    for (const route of pages) expect(statuses(route), route).toEqual(expect.arrayContaining(['500', '503']));
  });

  it("is an OpenAPI 3.1 document Redocly's linter finds nothing wrong with", async () => {
    const config = await createConfig({
      extends: ['recommended-strict'],
      rules: {
        // Sign-in, sign-out and the pages' form posts answer with a redirect: that is their success.
        'operation-2xx-response': 'off',
        // The server listed is the local runtime's; in AWS the stack prints its URL (ApiUrl).
        'no-server-example.com': 'off',
      },
    });
    const problems = await lintFromString({ source: checkedIn(), absoluteRef: OPENAPI_FILE, config });
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
    expect(JSON.parse(checkedIn()).openapi).toBe('3.1.0');
  });
});
