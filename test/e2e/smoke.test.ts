/**
 * `npm run smoke` against the local runtime, for real: the client credentials grant at the local
 * token endpoint, a referral in, its status out, the acknowledgement, the staff sign-in redirect.
 * (The alarm step needs CloudWatch: test/unit/smoke.test.ts covers it against a mocked client.)
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runSmoke, smokeCli, type SmokeOptions } from '../../infra/smoke-checks.js';
import { Faults } from '../../local/faults.js';
import { REPO_ROOT } from '../../local/runtime.js';
import { LOCAL_REFERRER_CLIENT_ID } from '../../local/server.js';
import { DEFAULT_REFERRER_CLIENT_SECRET } from '../../local/sign-in.js';
import { getReferral } from '../../shared/store/referrals.js';
import { type LocalService, startLocalService, TOKEN } from '../support/local-service.js';

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

/** The CLI in-process: its exit code and printed lines. */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const lines: string[] = [];
  const code = await smokeCli(args, { env, print: (line) => lines.push(line) });
  return { code, output: lines.join('\n') };
}
const cliArgs = () => ['--url', svc.url, '--token-url', options.tokenUrl, '--client-id', options.clientId, '--wait-seconds', '15'];

describe('the local token endpoint (client credentials, as Cognito answers)', () => {
  const token = (form: Record<string, string>, secret = DEFAULT_REFERRER_CLIENT_SECRET, id = LOCAL_REFERRER_CLIENT_ID) =>
    fetch(options.tokenUrl, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(form),
    });
  const scope = 'msk-pathway/referrals.write';

  it("answers the runtime's referrer token, which the API takes", async () => {
    const response = await token({ grant_type: 'client_credentials', scope });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ access_token: TOKEN, token_type: 'Bearer', expires_in: 3600 });
  });

  it.each([
    ['a wrong secret', { grant_type: 'client_credentials', scope }, 'wrong', LOCAL_REFERRER_CLIENT_ID, 401, 'invalid_client'],
    ['an unknown client', { grant_type: 'client_credentials', scope }, DEFAULT_REFERRER_CLIENT_SECRET, 'someone', 401, 'invalid_client'],
    ['another scope', { grant_type: 'client_credentials', scope: 'msk-pathway/admin' }, undefined, undefined, 400, 'invalid_scope'],
    ['another grant', { grant_type: 'password', scope }, undefined, undefined, 400, 'unsupported_grant_type'],
    ['no grant type', { scope }, undefined, undefined, 400, 'invalid_request'],
  ])('refuses %s', async (_what, form, secret, id, status, error) => {
    const response = await token(form, secret, id);
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error });
  });
});

describe('npm run smoke against the local runtime', () => {
  it('passes every check it can run locally, and skips the alarm saying why', async () => {
    const results = await runSmoke({ ...options, mobile: '07700 900777' });
    expect(results.map((r) => [r.name, r.outcome])).toEqual([
      ['token', 'passed'],
      ['referral in', 'passed'],
      ['status out', 'passed'],
      ['acknowledgement reached', 'passed'],
      ['staff sign-in page answering', 'passed'],
      ["alarm reaches the service lead's topic", 'skipped'],
    ]);
    expect(results[3]!.detail).toContain('patient_texted');
    expect(results[4]!.detail).toBe(`302 to ${svc.url}/local/oauth2/authorize`);
    expect(results[5]!.detail).toContain('no --alarm named');
    // The acknowledgement really went to the given mobile, and the referral is the smoke test.
    const id = /referral (\w+)/.exec(results[1]!.detail)![1]!;
    await svc.message((m) => m.channel === 'sms' && m.to === '+447700900777', 'the acknowledgement');
    const referral = await getReferral(id);
    expect(referral).toMatchObject({ status: 'awaiting_triage', referrer: { odsCode: 'P81001' } });
    expect(referral!.complaint.summary).toMatch(/^Smoke test after deployment.*please return to referrer/);
  });

  it('fails at the token, skips what depends on it, and exits 1, when the client secret is wrong', async () => {
    const results = await runSmoke({ ...options, clientSecret: 'not-the-secret' });
    expect(results[0]).toMatchObject({ outcome: 'failed', detail: expect.stringContaining('401 invalid_client') });
    expect(results.slice(1, 4).map((r) => r.outcome)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(results[4]!.outcome).toBe('passed');

    const { code, output } = await cli([...cliArgs(), '--client-secret', 'not-the-secret']);
    expect(code).toBe(1);
    expect(output).toMatch(/^✗ token: 401 invalid_client from the token endpoint/m);
    expect(output).toMatch(/^- referral in: skipped, an earlier check failed$/m);
    expect(output).toMatch(/smoke: 1 check\(s\) failed$/);
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

  it('takes the ODS code and referrer email it is given, and prints no patient details', async () => {
    const { code, output } = await cli([...cliArgs(), '--ods', 'Y01234', '--referrer-email', 'smoke.owner@example.nhs.uk'], {
      SMOKE_CLIENT_SECRET: DEFAULT_REFERRER_CLIENT_SECRET,
    });
    expect(code).toBe(0);
    const id = /^✓ referral in \(201, referral (\w+)/m.exec(output)![1]!;
    expect(await getReferral(id)).toMatchObject({
      referrer: { odsCode: 'Y01234', email: 'smoke.owner@example.nhs.uk' },
    });
    expect(output).not.toMatch(/9434765919|Smoke Check|1980-01-01|PR7 1AA|smoke\.owner/);
    expect(output).not.toContain(DEFAULT_REFERRER_CLIENT_SECRET);
  });

  it('prints its usage for --help, and for a command line it cannot use (exit 2)', async () => {
    expect(await cli(['--help'])).toMatchObject({ code: 0, output: expect.stringContaining('Usage: npm run smoke -- --url <ApiUrl>') });
    expect(await cli(['--url', svc.url])).toMatchObject({
      code: 2,
      output: expect.stringMatching(/^Missing --token-url, --client-id, --client-secret \(or SMOKE_CLIENT_SECRET\)/),
    });
    expect((await cli([...cliArgs(), '--client-secret', 's', '--wait-seconds', 'soon'])).code).toBe(2);
    expect((await cli(['--bogus'])).code).toBe(2);
  });

  it('runs as the operator runs it, printing one line per check and exiting 0', async () => {
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'infra/smoke.ts', ...cliArgs()], {
      cwd: REPO_ROOT,
      env: { ...process.env, SMOKE_CLIENT_SECRET: options.clientSecret },
    });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]).toMatch(/^✓ token \(Bearer token, expires in 3600 s, \d+ ms\)$/);
    expect(lines[1]).toMatch(/^✓ referral in \(201, referral \w+, \d+ ms\)$/);
    expect(lines[2]).toMatch(/^✓ status out \(200, referral \w+ \w+, \d+ ms\)$/);
    expect(lines[3]).toMatch(/^✓ acknowledgement reached \(task_opened: no mobile given/);
    expect(lines[4]).toMatch(/^✓ staff sign-in page answering \(302 to http:\/\/localhost:\d+\/local\/oauth2\/authorize, \d+ ms\)$/);
    expect(lines[5]).toBe("- alarm reaches the service lead's topic: skipped, no --alarm named (locally there is no CloudWatch)");
    expect(lines[6]).toBe('smoke: all checks passed');
  }, 60_000);
});
