/**
 * The retention rule, run by its scheduled handler against referrals taken through the local
 * runtime: closed referrals lose their personal data and notes once the period has passed; events
 * stay exactly as written; open and recently closed referrals are untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { lambdaContext, loadHandler } from '../../local/workflow-runner.js';
import { fixedClock, now, useClock } from '../../shared/clock.js';
import { resetConfig } from '../../shared/config.js';
import { getReferralWithTimeline } from '../../shared/store/referrals.js';
import { scanAll } from '../support/dynamodb.js';
import { validReferral } from '../support/fixtures.js';
import { until } from '../support/harness.js';
import { type LocalService, startLocalService } from '../support/local-service.js';

const RETENTION_DAYS = 30;
const DAY = 86_400_000;
let svc: LocalService;
const TABLE = `retention-${Date.now()}`;

beforeAll(async () => {
  process.env.PERSONAL_DATA_RETENTION_DAYS = String(RETENTION_DAYS);
  svc = await startLocalService({ tableName: TABLE });
  resetConfig();
});
afterAll(async () => {
  await svc?.stop();
  delete process.env.PERSONAL_DATA_RETENTION_DAYS;
  resetConfig();
});

const runRetentionRule = async () =>
  (await (
    await loadHandler('removePersonalData')
  )({}, lambdaContext('removePersonalData'))) as { removed: number };
const closed = (id: string) =>
  until(() => svc.runtime.workflow.execution(id)?.status === 'SUCCEEDED', `${id} to close`).then(() => getReferralWithTimeline(id));

async function returnedWithAdvice(): Promise<string> {
  const id = await svc.referAndGetId(validReferral());
  await svc.submit(await svc.linkFor(id), { decision: 'return', clinician: 'Dr Triage', reason: 'Sam should try NSAIDs first' });
  return id;
}

describe('retention rule', () => {
  it("removes closed referrals' personal data and notes after the period, keeping every event as written", async () => {
    const returned = await returnedWithAdvice();
    const emergency = await svc.referAndGetId(validReferral({ redFlags: ['bladder-or-bowel-dysfunction'] }));
    const open = await svc.referAndGetId(validReferral());
    const before = (await closed(returned))!;
    await closed(emergency);
    expect(before.timeline.find((e) => e.type === 'triage_decided')?.note).toEqual({ reason: 'Sam should try NSAIDs first' });
    expect(await runRetentionRule()).toEqual({ removed: 0 }); // nothing is due yet

    const restore = useClock(fixedClock(new Date(now().getTime() + (RETENTION_DAYS + 1) * DAY)));
    try {
      expect(await runRetentionRule()).toEqual({ removed: 2 });
      expect(await runRetentionRule()).toEqual({ removed: 0 }); // done once
    } finally {
      restore();
    }

    const after = (await getReferralWithTimeline(returned))!;
    expect(after.referral.patient).toBeUndefined();
    expect(after.referral.referrer).toEqual({ odsCode: 'P81001' });
    expect(after.referral.complaint).toEqual({ bodySite: 'lower-back', durationWeeks: 6, painScore: 7 });
    expect(after.referral.outcome).toMatchObject({ decision: 'return', decidedBy: 'Dr Triage' });
    expect(after.referral.outcome?.message).toBeUndefined();
    expect(after.referral.personalDataRemovedAt).toBeTruthy();
    // The events are the same events, plus one saying what was done; their notes are gone.
    const withoutNotes = before.timeline.map(({ note, ...event }) => event);
    expect(after.timeline.slice(0, -1)).toEqual(withoutNotes);
    expect(after.timeline.at(-1)).toMatchObject({ type: 'personal_data_removed', actor: 'system:retention', detail: { notesRemoved: 1 } });

    // Nothing identifying is left anywhere in either referral's items.
    const items = JSON.stringify(
      (await scanAll(svc.runtime.dynamodbEndpoint, TABLE)).filter((i) => [returned, emergency].some((id) => i.pk?.S === `REFERRAL#${id}`)),
    );
    for (const personal of ['9434765919', 'Sam', 'Jones', '1978-04-12', '7700900123', 'PR7 1AA', 'Patel', 'a.patel@', 'lifting', 'NSAIDs'])
      expect(items, personal).not.toContain(personal);

    // The open referral keeps everything; the referrer can still read the closed one's status.
    expect((await getReferralWithTimeline(open))!.referral.patient.nhsNumber).toBe('9434765919');
    expect(await svc.status(returned)).toMatchObject({ id: returned, status: 'returned_to_referrer' });
  });
});
