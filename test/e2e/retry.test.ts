/// <reference lib="dom" />
/**
 * Retrying a journey that stopped, as a service lead does once the cause is dealt with: a step that
 * kept failing (the triage step could not open) and a text that would not go (the booking
 * invitation). Over HTTP, and in Chromium without JavaScript from the Needs action queue.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { Faults } from '../../local/faults.js';
import { LOCAL_STAFF } from '../../local/staff-identity.js';
import { signLink } from '../../shared/domain/links.js';
import { keys } from '../../shared/tables.js';
import { ARTIFACTS, launchChromium } from '../support/browser.js';
import { getItem } from '../support/dynamodb.js';
import { validReferral, withPatient } from '../support/fixtures.js';
import { TEST_LINK_KEY, until } from '../support/harness.js';
import { type LocalService, startLocalService } from '../support/local-service.js';

const faults = new Faults();
let svc: LocalService;
let browser: Browser;
const LEE = LOCAL_STAFF.find((u) => u.id === 'local-lead')!;

beforeAll(async () => {
  svc = await startLocalService({ faults });
  await svc.loadClinic('retry-clinic', { count: 4, firstInMs: 2 * 86_400_000 });
  browser = await launchChromium();
});
afterEach(() => faults.clear());
afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

type Trail = { status: string; timeline: { type: string; actor: string; detail?: Record<string, unknown> }[] };
const audit = async (id: string) => (await (await svc.admin('GET', `/audit/referrals/${id}`, undefined)).json()) as Trail;
const statusIs = (id: string, status: string) => until(async () => (await audit(id)).status === status, `${id} to be ${status}`);

async function retryAsLead(id: string, queue: string) {
  const cookie = svc.sessionCookie(LEE);
  const page = await (await fetch(`${svc.url}/staff/${queue}`, { headers: { Cookie: cookie } })).text();
  expect(page).toContain(`action="/staff/retry/${id}"`);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
  return fetch(`${svc.url}/staff/retry/${id}`, {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, return: `/staff/${queue}` }).toString(),
  });
}

describe('retrying a stopped journey', () => {
  it('a triage step that kept failing: retried, it opens, the team is told, and triage goes on', async () => {
    faults.inject('lambda:openTask');
    const id = await svc.referAndGetId(validReferral());
    await statusIs(id, 'workflow_failed');
    faults.clear();
    expect((await audit(id)).timeline.at(-2)).toMatchObject({ type: 'workflow_failed', detail: { stoppedFrom: 'awaiting_triage' } });

    // Another role may not retry.
    const tess = LOCAL_STAFF.find((u) => u.id === 'local-triage')!;
    const refused = await fetch(`${svc.url}/staff/retry/${id}`, {
      method: 'POST',
      headers: { Cookie: svc.sessionCookie(tess), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'csrf=x',
    });
    expect(refused.status).toBe(403);

    const retried = await retryAsLead(id, 'needs-action');
    expect(retried.status).toBe(200);
    expect(await retried.text()).toContain(`${id} started again: it is awaiting triage.`);
    await until(() => svc.runtime.workflow.execution(`${id}-retry-1`)?.states.includes('AwaitTriage'), 'the retry to wait at triage');
    const { timeline } = await audit(id);
    expect(timeline).toContainEqual(
      expect.objectContaining({
        type: 'workflow_retried',
        actor: 'staff:local-lead',
        detail: expect.objectContaining({ to: 'awaiting_triage' }),
      }),
    );
    // The step opened as it would have: the team's email, and a decision that takes.
    const link = await svc.linkFor(id);
    expect((await svc.submit(link, { decision: 'accept', service: 'physiotherapy', priority: 'routine' })).status).toBe(200);
    await until(async () => ['awaiting_booking', 'booking_worklist'].includes((await audit(id)).status), 'booking');
    // Retrying what is not stopped (a second click, another tab) changes nothing.
    const cookie = svc.sessionCookie(LEE);
    const csrf = /name="csrf" value="([^"]+)"/.exec(
      await (await fetch(`${svc.url}/staff/find`, { headers: { Cookie: cookie } })).text(),
    )![1]!;
    const again = await fetch(`${svc.url}/staff/retry/${id}`, {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, return: '/staff/needs-action' }).toString(),
    });
    expect(await again.text()).toContain(`${id} is no longer stopped: nothing was changed.`);
    expect((await audit(id)).timeline.filter((e) => e.type === 'workflow_retried')).toHaveLength(1);
  });

  it('a booking invitation that would not go: retried in Chromium from Messages that failed, the patient is invited afresh', async () => {
    const id = await svc.referAndGetId(withPatient({ mobile: '07700 900411' }));
    await statusIs(id, 'awaiting_triage');
    faults.inject('sms');
    await svc.submit(await svc.linkFor(id), { decision: 'accept', service: 'physiotherapy', priority: 'routine' });
    await statusIs(id, 'notification_failed');
    faults.clear();
    // The booking step that failed to invite: its link, had it gone, is refused from now on.
    const { openTask } = (await getItem(keys.referral(id)))!;
    const stale = `${svc.url}/a/${signLink(openTask.patientLinkId, 'patient', TEST_LINK_KEY)}`;
    expect((await fetch(stale)).status).toBe(410);

    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${svc.url}/staff/message-failed`);
    await page.getByRole('button', { name: /Lee Lead/ }).click();
    const row = page.getByRole('row', { name: new RegExp(id) });
    expect(await row.getByText('awaiting booking').count()).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}/workspace-retry.png`, fullPage: true });
    await row.getByRole('button', { name: `Retry ${id}` }).click();
    await page.getByText(`${id} started again`).waitFor();
    await context.close();

    const invite = await svc.message((m) => m.channel === 'sms' && m.to === '+447700900411' && /book/.test(m.body), 'a fresh invitation');
    expect(invite.body).toMatch(/\/a\//);
    await statusIs(id, 'awaiting_booking');
    // A fresh step and link; the old one still refused, so nobody books into a step nobody waits on.
    expect(new URL(/(http:\/\/\S+\/a\/\S+)/.exec(invite.body)![1]!).pathname).not.toBe(new URL(stale).pathname);
    expect((await fetch(stale)).status).toBe(410);
  });
});
