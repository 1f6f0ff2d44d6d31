/**
 * The local runtime keeps to this machine and this user: the API and DynamoDB Local listen on
 * 127.0.0.1 only; the server answers only requests addressed to localhost (a page elsewhere that
 * points its own name at 127.0.0.1 gets nothing); the sign-in stand-in returns only to this service;
 * and the data folder is this user's alone, files from before included.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalRuntime, startLocalRuntime } from '../../local/runtime.js';
import { validReferral } from '../support/fixtures.js';
import { until } from '../support/harness.js';
import { TOKEN } from '../support/local-service.js';

const dataDir = mkdtempSync(join(tmpdir(), 'msk-pathway-exposure-'));
let runtime: LocalRuntime;
let port: number;

beforeAll(async () => {
  // A data folder from before this rule: open to everyone, with an (empty) outbox to match.
  chmodSync(dataDir, 0o755);
  writeFileSync(join(dataDir, 'outbox.jsonl'), '', { mode: 0o644 });
  mkdirSync(join(dataDir, 'dynamodb'), { mode: 0o755 });
  runtime = await startLocalRuntime({ port: 0, dataDir, referrerToken: TOKEN, log: () => undefined, tableName: 'exposure-test' });
  port = Number(new URL(runtime.url).port);
});
afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** This machine's first IPv4 address that is not loopback (none on a machine without a network). */
const networkAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a?.family === 'IPv4' && !a.internal)?.address;

function connects(host: string, to: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port: to, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

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

describe('listening', () => {
  it.skipIf(!networkAddress)("answers on 127.0.0.1 only: the API and DynamoDB Local refuse this machine's network address", async () => {
    const dynamodbPort = Number(new URL(runtime.dynamodbEndpoint).port);
    expect(await connects('127.0.0.1', port)).toBe(true);
    expect(await connects('127.0.0.1', dynamodbPort)).toBe(true);
    expect(await connects(networkAddress!, port)).toBe(false);
    expect(await connects(networkAddress!, dynamodbPort)).toBe(false);
  });
});

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

describe('the data folder', () => {
  it("is this user's alone: folders 0700, files 0600 (the table, the outbox, the link key), those from before too", async () => {
    const response = await fetch(`${runtime.url}/referrals`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(validReferral()),
    });
    expect(response.status).toBe(201);
    await until(() => runtime.outbox.list().length > 0, 'the acknowledgement in the outbox');

    const modes: Record<string, string> = {};
    const walk = (dir: string) => {
      modes[dir.slice(dataDir.length) || '/'] = (statSync(dir).mode & 0o777).toString(8);
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name));
        else modes[join(dir, entry.name).slice(dataDir.length)] = (statSync(join(dir, entry.name)).mode & 0o777).toString(8);
      }
    };
    walk(dataDir);
    expect(modes).toMatchObject({
      '/': '700',
      '/dynamodb': '700',
      '/dynamodb/shared-local-instance.db': '600',
      '/outbox.jsonl': '600',
      '/link-signing-key': '600',
    });
    expect(Object.entries(modes).filter(([, mode]) => mode !== '600' && mode !== '700')).toEqual([]);
  });
});
