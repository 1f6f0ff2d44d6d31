/**
 * `npm start`, as a person runs it: a fresh data folder, the README's curl example, the outbox,
 * Ctrl-C (SIGINT to the process group), and a second start that still has the data.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { freePort } from '../../local/dynamodb-local.js';
import { REPO_ROOT } from '../../local/runtime.js';
import { validReferral } from '../support/fixtures.js';

const dataDir = mkdtempSync(join(tmpdir(), 'msk-pathway-e2e-'));
const started: ChildProcess[] = [];

afterAll(() => {
  for (const child of started) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function npmStart(
  port: number,
  env: Record<string, string> = {},
  dir = dataDir,
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), LOCAL_DATA_DIR: dir, REFERRER_TOKEN: 'e2e-token', ...env },
    detached: true, // its own process group, so that SIGINT reaches it the way Ctrl-C does
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    const ok = await fetch(`http://localhost:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { child, output: () => output };
    if (Date.now() > deadline) throw new Error(`npm start not healthy in time:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Ctrl-C: SIGINT to the whole group. npm itself may die of the signal; the service exits 0. */
async function interruptIn(child: ChildProcess, output: () => string, dir: string): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid!, 'SIGINT');
  await exited;
  // The service finishes its shutdown even if npm went first; give it a moment.
  for (let i = 0; i < 100 && (javaProcessesFor(dir) || groupAlive(child)); i++) await new Promise((r) => setTimeout(r, 100));
  expect(groupAlive(child), output()).toBe(false);
  expect(javaProcessesFor(dir)).toBe('');
}
const interrupt = (child: ChildProcess, output: () => string) => interruptIn(child, output, dataDir);

function groupAlive(child: ChildProcess): boolean {
  try {
    process.kill(-child.pid!, 0);
    return true;
  } catch {
    return false;
  }
}

function javaProcessesFor(dir: string): string {
  try {
    return execFileSync('pgrep', ['-f', `DynamoDBLocal.jar.*${dir}`], { encoding: 'utf8' }).trim();
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
}

describe('npm start', () => {
  it('serves the API, keeps data on disk across a restart, passes the smoke check, and leaves no Java process after Ctrl-C', async () => {
    const port = await freePort();
    const first = await npmStart(port);
    const response = await fetch(`http://localhost:${port}/referrals`, {
      method: 'POST',
      headers: { Authorization: 'Bearer e2e-token', 'Content-Type': 'application/json' },
      body: JSON.stringify(validReferral()),
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as any;

    // The acknowledgement SMS, then the triage team's email with its link.
    let sent: { channel: string; to: string; body: string }[] = [];
    for (let i = 0; i < 80 && sent.length < 2; i++) {
      sent = ((await (await fetch(`http://localhost:${port}/local/outbox`)).json()) as any).messages;
      if (sent.length < 2) await new Promise((r) => setTimeout(r, 250));
    }
    expect(sent.find((m) => m.channel === 'sms')).toMatchObject({ to: '+447700900123' });
    expect(sent.find((m) => m.channel === 'email')?.body).toMatch(new RegExp(`http://localhost:${port}/tasks/`));
    expect(first.output()).toContain('[outbox] sms to +447700900123');

    expect(javaProcessesFor(dataDir)).not.toBe('');
    await interrupt(first.child, first.output);
    expect(first.output()).toContain('SIGINT: stopping');
    expect(javaProcessesFor(dataDir)).toBe('');

    const second = await npmStart(port);
    const status = await (
      await fetch(`http://localhost:${port}/referrals/${id}`, { headers: { Authorization: 'Bearer e2e-token' } })
    ).json();
    expect(status).toMatchObject({ id, status: 'awaiting_triage' });
    const { messages } = (await (await fetch(`http://localhost:${port}/local/outbox`)).json()) as any;
    expect(messages).toEqual(sent);

    // The operator's smoke check, as the README runs it, against this npm start.
    const smoke = execFileSync(
      'npm',
      [
        'run',
        '--silent',
        'smoke',
        '--',
        '--url',
        `http://localhost:${port}`,
        '--token-url',
        `http://localhost:${port}/local/oauth2/token`,
        '--client-id',
        'local-referrer',
      ],
      { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, SMOKE_CLIENT_SECRET: 'local-referrer-secret' }, input: '' },
    );
    expect(smoke).toContain('smoke: all checks passed');
    await interrupt(second.child, second.output);
    expect(javaProcessesFor(dataDir)).toBe('');
  }, 180_000);

  it('with CLOCK_SPEEDUP, shows the 24-hour triage escalation within seconds', async () => {
    const port = await freePort();
    const fastDir = mkdtempSync(join(tmpdir(), 'msk-pathway-e2e-fast-'));
    // 43,200 times: 24 hours pass in 2 seconds.
    const service = await npmStart(port, { CLOCK_SPEEDUP: '43200' }, fastDir);
    try {
      expect(service.output()).toContain('43200 times faster');
      const response = await fetch(`http://localhost:${port}/referrals`, {
        method: 'POST',
        headers: { Authorization: 'Bearer e2e-token', 'Content-Type': 'application/json' },
        body: JSON.stringify(validReferral()),
      });
      const { id } = (await response.json()) as { id: string };
      const started = Date.now();
      let breach: { to: string; subject?: string; body: string } | undefined;
      while (!breach && Date.now() - started < 30_000) {
        const { messages } = (await (await fetch(`http://localhost:${port}/local/outbox`)).json()) as {
          messages: { to: string; subject?: string; body: string }[];
        };
        breach = messages.find((m) => m.subject?.startsWith('Triage target missed') && m.body.includes(id));
        if (!breach) await new Promise((r) => setTimeout(r, 200));
      }
      expect(breach).toMatchObject({ to: 'service-lead' });
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(breach!.body).toMatch(new RegExp(`http://localhost:${port}/tasks/[\\w-]+\\.[\\w-]+`));
    } finally {
      await interruptIn(service.child, service.output, fastDir);
      rmSync(fastDir, { recursive: true, force: true });
    }
  }, 120_000);
});
