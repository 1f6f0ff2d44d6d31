/**
 * DynamoDB Local dying under a running service (killed, out of memory): the API answers 503 with
 * Retry-After while it is down, never 500; the runtime says so in one line, restarts it on the same
 * port and data, and the service goes on with everything it had. If it keeps dying, the runtime
 * stops, saying why, rather than limping on.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { afterAll, describe, expect, it } from 'vitest';

import { MAX_RESTARTS_PER_MINUTE } from '../../local/dynamodb-local.js';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime.js';
import { validReferral } from '../support/fixtures.js';
import { TEST_LINK_KEY, until } from '../support/harness.js';
import { TOKEN } from '../support/local-service.js';

const dataDir = mkdtempSync(join(tmpdir(), 'msk-pathway-watchdog-'));
const started: LocalRuntime[] = [];
afterAll(async () => {
  await Promise.all(started.map((r) => r.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(options: { dataDir?: string; tableName: string; log: (line: string) => void; onFatal?: (e: Error) => void }) {
  const runtime = await startLocalRuntime({ port: 0, referrerToken: TOKEN, linkSigningKey: TEST_LINK_KEY, ...options });
  started.push(runtime);
  return runtime;
}

const refer = (runtime: LocalRuntime, key: string) =>
  fetch(`${runtime.url}/referrals`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify(validReferral()),
  });
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('DynamoDB Local dying while the service runs', () => {
  it('is answered 503 with Retry-After meanwhile, restarted on the same data, and the service goes on', async () => {
    // Prepare: a service with data on disk, one referral waiting for triage.
    const lines: string[] = [];
    const runtime = await start({ dataDir, tableName: 'watchdog-test', log: (line) => lines.push(line) });
    const before = (await (await refer(runtime, 'before-the-crash')).json()) as { id: string };
    await until(() => runtime.workflow.waitingCount() === 1, 'the referral to wait for triage');
    const javaBefore = runtime.dynamodbPid!;

    // Act: Java dies.
    const killedAt = performance.now();
    process.kill(javaBefore, 'SIGKILL');
    await until(() => lines.some((l) => l.includes('stopped unexpectedly')), 'the runtime to notice');

    // Assess: while it is down, a client is told to retry, not that the service is broken.
    const during = await refer(runtime, 'during-the-outage');
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBe('5');
    expect(await during.json()).toMatchObject({ error: 'service_unavailable' });

    // The client's retry with its key goes through once DynamoDB Local is back.
    const retried = await until(
      async () => {
        const answer = await refer(runtime, 'during-the-outage');
        return answer.status === 201 && ((await answer.json()) as { id: string });
      },
      'the service to take referrals again',
      30_000,
    );
    const restoredMs = performance.now() - killedAt;
    expect(restoredMs).toBeLessThan(30_000);
    expect(runtime.dynamodbPid).not.toBe(javaBefore);
    expect(isAlive(javaBefore)).toBe(false);

    // The same data: the referral from before, and the key (a replay, not a second referral).
    const status = await fetch(`${runtime.url}/referrals/${before.id}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(((await status.json()) as { status: string }).status).toBe('awaiting_triage');
    expect(((await (await refer(runtime, 'during-the-outage')).json()) as { id: string }).id).toBe(retried.id);
    await until(async () => runtime.workflow.execution(retried.id)?.states.includes('AwaitTriage'), 'the new referral to go on');

    // One line when it stopped, one when it was back; no patient data in either.
    const watchdog = lines.filter((l) => l.includes('DynamoDB Local'));
    expect(watchdog).toEqual([
      expect.stringMatching(/^\[local\] DynamoDB Local stopped unexpectedly \(SIGKILL\); restarting it on port \d+$/),
      expect.stringMatching(/^\[local\] DynamoDB Local is back after \d+ ms$/),
    ]);
  }, 90_000);

  it.runIf(process.platform === 'linux')(
    'starts it again when it dies again while starting',
    async () => {
      // Prepare
      const lines: string[] = [];
      const runtime = await start({ tableName: 'dies-twice', log: (line) => lines.push(line) });
      const first = runtime.dynamodbPid!;
      const port = new URL(runtime.dynamodbEndpoint).port;
      /** This process's Java children serving this runtime's port (the one starting included). */
      const javaOnPort = () =>
        execFileSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' })
          .split('\n')
          .filter(Boolean)
          .map(Number)
          .filter((pid) => {
            try {
              return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(` -port ${port}`);
            } catch {
              return false; // gone meanwhile
            }
          });

      // Act: it dies, and its replacement dies too, caught while it starts.
      process.kill(first, 'SIGKILL');
      const replacement = await until(() => javaOnPort().find((pid) => pid !== first), 'the replacement to start');
      process.kill(replacement, 'SIGKILL');

      // Assess: a third one serves, and the service with it.
      await until(() => lines.some((l) => l.includes('is back')), 'it to be back', 30_000);
      expect([first, replacement]).not.toContain(runtime.dynamodbPid);
      expect((await refer(runtime, 'after-two-deaths')).status).toBe(201);
      expect(lines.filter((l) => l.includes('stopped unexpectedly'))).toHaveLength(1);
    },
    90_000,
  );

  it(`stops the service, saying why, when it dies more than ${MAX_RESTARTS_PER_MINUTE} times in a minute`, async () => {
    // Prepare
    const lines: string[] = [];
    let fatal: Error | undefined;
    const runtime = await start({ tableName: 'crash-loop', log: (line) => lines.push(line), onFatal: (e) => (fatal = e) });
    const pids: number[] = [];

    // Act: kill it each time it comes back, once more than the watchdog allows.
    for (let i = 0; i <= MAX_RESTARTS_PER_MINUTE; i++) {
      pids.push(runtime.dynamodbPid!);
      process.kill(runtime.dynamodbPid!, 'SIGKILL');
      if (i < MAX_RESTARTS_PER_MINUTE)
        await until(() => lines.filter((l) => l.includes('is back')).length === i + 1, `restart ${i + 1}`, 30_000);
    }
    await until(() => fatal, 'the runtime to give up', 30_000);

    // Assess: said once, in memory data said lost, the service stopped and no Java left behind.
    expect(lines.filter((l) => l.includes('stopped unexpectedly'))).toHaveLength(MAX_RESTARTS_PER_MINUTE);
    expect(lines.find((l) => l.includes('stopped unexpectedly'))).toMatch(/\(in memory: its data is gone\)$/);
    expect(lines.filter((l) => l.includes('could not be restarted'))).toEqual([
      `[local] DynamoDB Local could not be restarted (DynamoDB Local stopped ${MAX_RESTARTS_PER_MINUTE + 1} times within a minute ` +
        '(last: SIGKILL)); stopping the service',
    ]);
    expect(
      await fetch(`${runtime.url}/health`).then(
        () => 'answered',
        () => 'refused',
      ),
    ).toBe('refused');
    expect(pids.filter(isAlive)).toEqual([]);
    expect(isAlive(runtime.dynamodbPid!)).toBe(false);
  }, 120_000);
});
