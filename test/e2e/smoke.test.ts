/**
 * `npm run smoke` against the local runtime, for real: the client credentials grant at the local
 * token endpoint, a referral in, its status out, the acknowledgement, the staff sign-in redirect.
 * (The alarm step needs CloudWatch: test/unit/smoke.test.ts covers it against a mocked client.)
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSmoke, type SmokeOptions } from '../../infra/smoke-checks.js';
import { Faults } from '../../local/faults.js';
import { REPO_ROOT } from '../../local/runtime.js';
import { LOCAL_REFERRER_CLIENT_ID } from '../../local/server.js';
import { DEFAULT_REFERRER_CLIENT_SECRET } from '../../local/sign-in.js';
import { startLocalService, type LocalService } from '../support/local-service.js';

let svc: LocalService;
let options: SmokeOptions;
const faults = new Faults();
beforeAll(async () => {
  svc = await startLocalService({ faults });
  options = {
    url: svc.url,
    tokenUrl: `${svc.url}/local/oauth2/token`,
    clientId: LOCAL_REFERRER_CLIENT_ID,
    clientSecret: DEFAULT_REFERRER_CLIENT_SECRET,
    waitSeconds: 15,
  };
});
afterAll(async () => {
  await svc?.stop();
});

describe('npm run smoke against the local runtime', () => {
  it('passes every check it can run locally, and skips the alarm saying why', async () => {
    const results = await runSmoke({ ...options, mobile: '07700 900777' });
    expect(results.map((r) => [r.name, r.outcome])).toEqual([
      ['token (client credentials)', 'passed'],
      ['referral in', 'passed'],
      ['status out', 'passed'],
      ['acknowledgement reached', 'passed'],
      ['staff sign-in page', 'passed'],
      ['alarm reaches the service lead', 'skipped'],
    ]);
    expect(results[3]!.detail).toContain('acknowledgement texted');
    // The acknowledgement really went to the given mobile.
    const id = /referral (\w+)/.exec(results[1]!.detail)![1]!;
    await svc.message((m) => m.channel === 'sms' && m.to === '+447700900777', 'the acknowledgement');
    expect((await svc.status(id)).status).toBe('awaiting_triage');
  });

  it('fails at the token, and skips what depends on it, when the client secret is wrong', async () => {
    const results = await runSmoke({ ...options, clientSecret: 'not-the-secret' });
    expect(results[0]).toMatchObject({ outcome: 'failed', detail: expect.stringContaining('401 invalid_client') });
    expect(results.slice(1, 4).map((r) => r.outcome)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(results[4]!.outcome).toBe('passed');
  });

  it('fails at the acknowledgement, saying what to check, when SNS will not send the text', async () => {
    faults.inject('sms');
    try {
      const results = await runSmoke({ ...options, mobile: '07700 900778' });
      expect(results[3]).toMatchObject({ name: 'acknowledgement reached', outcome: 'failed' });
      expect(results[3]!.detail).toContain('verified in the SMS sandbox');
    } finally {
      faults.clear();
    }
  });

  it('runs as the operator runs it, printing one line per check and exiting 0', async () => {
    const { stdout } = await promisify(execFile)(
      'npx',
      ['tsx', 'infra/smoke.ts', '--url', svc.url, '--token-url', options.tokenUrl, '--client-id', options.clientId],
      { cwd: REPO_ROOT, env: { ...process.env, SMOKE_CLIENT_SECRET: options.clientSecret } },
    );
    expect(stdout).toMatch(/^✓ token \(client credentials\)/m);
    expect(stdout).toMatch(/^✓ acknowledgement reached: no mobile given/m);
    expect(stdout).toMatch(/^- alarm reaches the service lead/m);
    expect(stdout).toContain('smoke: all checks passed');
  }, 60_000);
});
