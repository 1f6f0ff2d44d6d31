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
