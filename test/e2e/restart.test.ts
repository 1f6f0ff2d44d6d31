/**
 * The local runtime restarted in the middle of journeys, with data kept on disk: every waiting
 * referral's workflow is re-entered where it was, the links already sent keep working, and no
 * second email goes out for a step that was already open.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { type LocalRuntime, startLocalRuntime } from '../../local/runtime.js';
import { validReferral } from '../support/fixtures.js';
import { TEST_LINK_KEY, until } from '../support/harness.js';
import { TOKEN } from '../support/local-service.js';

const dataDir = mkdtempSync(join(tmpdir(), 'msk-pathway-restart-'));
let runtime: LocalRuntime | undefined;
afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const start = () =>
  startLocalRuntime({
    port: 0,
    dataDir,
    referrerToken: TOKEN,
    linkSigningKey: TEST_LINK_KEY,
    log: () => undefined,
    tableName: 'restart-test',
    retryPauseMs: 0,
  });

async function refer(r: LocalRuntime): Promise<string> {
  const response = await fetch(`${r.url}/referrals`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(validReferral()),
  });
  return ((await response.json()) as { id: string }).id;
}

describe('restart in the middle of a journey', () => {
  it('re-enters waiting workflows; the emailed link still decides, and the journey carries on', async () => {
    runtime = await start();
    const id = await refer(runtime);
    const email = await until(() => runtime!.outbox.list().find((m) => m.to === 'triage-team' && m.body.includes(id)), 'the triage email');
    const link = /(http:\/\/\S+\/tasks\/\S+)/.exec(email.body)![1]!;
    await until(() => runtime!.workflow.waitingCount() === 1, 'the triage step to wait');
    await runtime.stop();

    runtime = await start();
    await until(() => runtime!.workflow.execution(id)?.states.includes('AwaitTriage'), 'the workflow to be re-entered');
    await until(() => runtime!.workflow.waitingCount() === 1, 'the triage step to wait again');
    // The link from before the restart, on the new server's port.
    const samePath = new URL(link).pathname;
    // Signed in on the new runtime (its staff pool stand-in), with the page's form token.
    const cookie = `msk_staff=${runtime.staffIdentity.mint({ id: 'dr-after', name: 'Dr After Restart', roles: ['triage-clinician'] })}`;
    const page = await (await fetch(`${runtime.url}${samePath}`, { headers: { Cookie: cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const decided = await fetch(`${runtime.url}${samePath}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
      body: new URLSearchParams({ decision: 'return', reason: 'Advice after restart', csrf }).toString(),
    });
    expect(decided.status).toBe(200);
    const advice = await until(
      () => runtime!.outbox.list().find((m) => m.to === 'a.patel@example.nhs.uk' && m.body.includes('Advice after restart')),
      'the advice email',
    );
    expect(advice.subject).toContain(id);
    expect(runtime.outbox.list().filter((m) => m.to === 'triage-team' && m.body.includes(id))).toHaveLength(1); // no second triage email
    await until(() => runtime!.workflow.execution(id)?.status === 'SUCCEEDED', 'the journey to end');
  }, 120_000);
});
