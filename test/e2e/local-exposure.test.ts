/**
 * The local runtime keeps to this machine: the server answers only requests addressed to
 * localhost (a page elsewhere that points its own name at 127.0.0.1 gets nothing), and the sign-in
 * stand-in returns only to this service.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalRuntime, startLocalRuntime } from '../../local/runtime.js';
import { validReferral } from '../support/fixtures.js';
import { TOKEN } from '../support/local-service.js';

const dataDir = mkdtempSync(join(tmpdir(), 'msk-pathway-exposure-'));
let runtime: LocalRuntime;
let port: number;

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0, dataDir, referrerToken: TOKEN, log: () => undefined, tableName: 'exposure-test' });
  port = Number(new URL(runtime.url).port);
});
afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A request with the Host header we choose (fetch sets its own); `null`: none at all. */
function send(
  path: string,
  host: string | null,
  options: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        setHost: false,
        headers: { ...(host === null ? {} : { Host: host }), ...options.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body, location: res.headers.location }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('the Host header', () => {
  const referral = {
    method: 'POST',
    body: JSON.stringify(validReferral()),
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
  };

  it.each([
    ['the outbox', '/local/outbox', {}],
    ['the sign-in stand-in', '/local/oauth2/authorize', {}],
    ['the token endpoint', '/local/oauth2/token', { method: 'POST', body: 'grant_type=client_credentials' }],
    ['health', '/health', {}],
    ['the API', '/referrals', referral],
  ])('refuses %s addressed to another name (421), as after DNS rebinding', async (_, path, options) => {
    for (const host of ['attacker.example', `attacker.example:${port}`, `localhost.attacker.example:${port}`, `127.0.0.1.nip.io:${port}`]) {
      const answer = await send(path, host, options);
      expect(answer.status, host).toBe(421);
      expect(JSON.parse(answer.body)).toEqual({ error: 'misdirected_request', message: expect.any(String) });
    }
    // No Host at all: Node's HTTP server refuses it (400) before the runtime sees it, or the runtime does (421).
    expect([400, 421]).toContain((await send(path, null, options)).status);
  });

  it('answers requests addressed to localhost or 127.0.0.1, with or without the port', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, 'localhost', 'LOCALHOST']) {
      expect((await send('/health', host)).status, host).toBe(200);
    }
    expect((await send('/local/outbox', `localhost:${port}`)).status).toBe(200);
  });
});

describe('the sign-in stand-in', () => {
  const authorize = (redirectUri: string) =>
    new URLSearchParams({
      response_type: 'code',
      client_id: 'local-dashboard',
      redirect_uri: redirectUri,
      state: 'state-1',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
    });
  const elsewhere = ['http://attacker.example/staff/signed-in', 'http://localhost:1/staff/signed-in', 'javascript:alert(1)'];

  it("shows its page only for this service's own sign-in return", async () => {
    expect((await fetch(`${runtime.url}/local/oauth2/authorize?${authorize(`${runtime.url}/staff/signed-in`)}`)).status).toBe(200);
    for (const uri of [...elsewhere, `${runtime.url}/elsewhere`]) {
      const answer = await fetch(`${runtime.url}/local/oauth2/authorize?${authorize(uri)}`);
      expect(answer.status, uri).toBe(400);
      expect(await answer.json()).toEqual({ error: 'redirect_mismatch' });
    }
  });

  it('never sends a code to another redirect_uri, whoever is chosen', async () => {
    for (const uri of elsewhere) {
      const form = authorize(uri);
      form.set('user', 'local-lead');
      const answer = await send('/local/oauth2/authorize', `localhost:${port}`, {
        method: 'POST',
        body: form.toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      expect(answer.status, uri).toBe(400);
      expect(answer.location).toBeUndefined();
    }
  });
});
