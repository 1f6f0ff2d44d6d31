/**
 * The questionnaires' texts where they cannot ride along, and where they fail: with the longest
 * service name the baseline link follows the acknowledgement in a text of its own; and a follow-up
 * text that will not go is recorded and the journey ends as it would have without it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Faults } from '../../local/faults.js';
import { now } from '../../shared/clock.js';
import { isSingleGsm7Fragment } from '../../shared/domain/sms.js';
import { getReferralWithTimeline } from '../../shared/store/referrals.js';
import { withPatient } from '../support/fixtures.js';
import { until } from '../support/harness.js';
import { type LocalService, startLocalService } from '../support/local-service.js';

const DAY = 86_400_000;
const LONG_NAME = 'Northshire and Westshire Community MSK S'; // 40 characters, the most a service may have
let svc: LocalService;
const faults = new Faults();

const textsTo = (mobile: string) => svc.runtime.outbox.list().filter((m) => m.channel === 'sms' && m.to === mobile);
const linkIn = (text: string) => /(http:\/\/\S+\/a\/[\w-]+\.[\w-]+)/.exec(text)![1]!;
const eventsOf = async (id: string) => (await getReferralWithTimeline(id))?.timeline ?? [];

beforeAll(async () => {
  svc = await startLocalService({ speedup: 86_400, faults, settings: { SERVICE_NAME: LONG_NAME } });
});
afterAll(() => svc?.stop());

describe('questionnaire texts that cannot ride along, or fail', () => {
  it('sends the acknowledgement as before and the baseline link in its own one-fragment text when both would not fit one', async () => {
    const mobile = '+447700900401';
    const id = await svc.referAndGetId(withPatient({ mobile: '07700 900401', givenName: 'Bartholomew' }));
    const [acknowledgement, invitation] = await until(() => (textsTo(mobile).length >= 2 ? textsTo(mobile) : undefined), 'two texts');
    expect(acknowledgement!.body).toMatch(/has your referral\. We will text you again/);
    expect(acknowledgement!.body).not.toMatch(/\/a\//);
    expect(invitation!.body).toMatch(new RegExp(`${LONG_NAME}: how are you before treatment\\? http`));
    for (const text of [acknowledgement!, invitation!]) expect(isSingleGsm7Fragment(text.body)).toBe(true);
    expect((await fetch(linkIn(invitation!.body))).status).toBe(200);
    const templates = (await eventsOf(id)).filter((e) => e.type === 'patient_texted').map((e) => e.detail?.template);
    expect(templates).toEqual(['acknowledgement', 'questionnaireBaseline']);
  }, 30_000);

  it('sends a self-referral (a number typed into a public form) no second text, and makes no link it would not carry', async () => {
    const mobile = '+447700900403';
    const id = await svc.referAndGetId(
      withPatient({ mobile: '07700 900403' }, { source: 'self', referrer: undefined, redFlags: [] as string[] }),
    );
    await until(() => textsTo(mobile).find((m) => /has your referral/.test(m.body)), 'the acknowledgement');
    await until(async () => (await eventsOf(id)).some((e) => e.type === 'task_opened') || undefined, 'triage to open');
    expect(textsTo(mobile)).toHaveLength(1);
    expect(textsTo(mobile)[0]!.body).not.toMatch(/\/a\//);
    expect((await eventsOf(id)).some((e) => e.type === 'questionnaire_invited')).toBe(false);
  }, 30_000);

  it('records a follow-up text that will not go, and the journey still closes with the referrer told once', async () => {
    const mobile = '+447700900402';
    const id = await svc.referAndGetId(withPatient({ mobile: '07700 900402' }));
    await until(() => textsTo(mobile).length >= 2 || undefined, 'the acknowledgement and the invitation');
    await svc.loadClinic('test-clinic', { count: 20, firstInMs: 4 * DAY, everyMs: 10 * 3_600_000 });
    await svc.submit(await svc.linkFor(id), { decision: 'accept', clinician: 'Jo Physio', service: 'physiotherapy', priority: 'routine' });
    const booking = linkIn((await until(() => textsTo(mobile).find((m) => /book your/.test(m.body)), 'the booking text')).body);
    const slot = [...(await (await fetch(booking)).text()).matchAll(/name="slot" type="radio" value="([^"]+)"/g)]
      .map((m) => m[1]!)
      .find((s) => Date.parse(s.split('#')[1]!) > now().getTime() + 3 * DAY)!;
    await fetch(booking, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ action: 'book', slot }).toString(),
    });
    const outcome = await svc.message((m) => m.to === 'clinic-team' && m.body.includes(id), 'the outcome request');
    faults.inject('sms'); // every text from now on: the follow-up's
    try {
      await svc.submit(/(http:\/\/\S+\/tasks\/\S+)/.exec(outcome.body)![1]!, { decision: 'attended-discharged', clinician: 'Pat Clinic' });
      await until(() => svc.runtime.workflow.execution(id)?.status === 'SUCCEEDED', 'the workflow to end');
    } finally {
      faults.clear('sms');
    }
    expect((await svc.status(id)).status).toBe('attended_discharged');
    const events = await eventsOf(id);
    expect(events.filter((e) => e.type === 'referrer_emailed')).toHaveLength(1);
    expect(events.find((e) => e.type === 'questionnaire_not_sent')?.detail).toEqual({
      timepoint: 'follow-up',
      error: 'NotificationFailed',
    });
    expect(events.some((e) => e.type === 'notification_failed' || e.type === 'workflow_failed')).toBe(false);
  }, 60_000);
});
