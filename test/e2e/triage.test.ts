/**
 * Triage, driven over HTTP against the local runtime as GP systems and clinicians use it:
 * emergencies, each decision through the emailed link, links that must not act, and more
 * information from the referrer. Timers are in triage-timers.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { newLinkId, signLink } from '../../shared/domain/links.js';
import { expireLink } from '../support/dynamodb.js';
import { validReferral, withPatient } from '../support/fixtures.js';
import { TEST_LINK_KEY, until } from '../support/harness.js';
import { type LocalService, startLocalService, testClinician, TOKEN } from '../support/local-service.js';

let svc: LocalService;
beforeAll(async () => {
  svc = await startLocalService();
});
afterAll(async () => {
  await svc?.stop();
});

const selfReferral = () => {
  const { referrer, ...rest } = validReferral({ source: 'self' });
  return rest;
};
const accept = {
  decision: 'accept',
  clinician: 'Jo Physio',
  reason: 'Suits community physiotherapy',
  service: 'physiotherapy',
  priority: 'routine',
};
/** Accepted referrals move on to booking; with no clinics loaded here, onto the booking team's worklist. */
const movedOnToBooking = (id: string) =>
  until(
    async () => svc.runtime.workflow.execution(id)?.states.includes('AwaitBooking') && (await svc.status(id)),
    `${id} to reach booking`,
  );
const finished = (id: string) =>
  until(
    () => svc.runtime.workflow.execution(id)?.status !== 'RUNNING' && svc.runtime.workflow.execution(id),
    `the workflow of ${id} to finish`,
  );

describe('screening at once', () => {
  it('sends a suspected cauda equina to A&E without waiting for triage, and tells the service lead', async () => {
    const id = await svc.referAndGetId(validReferral({ redFlags: ['bladder-or-bowel-dysfunction'] }));
    const execution = await finished(id);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.states.at(-1)).toBe('RedirectedEmergency');
    const status = await svc.status(id);
    expect(status.status).toBe('redirected_emergency');
    const sms = await svc.message((m) => m.channel === 'sms' && m.body.includes('A&E'), 'the A&E text');
    expect(sms.to).toBe('+447700900123');
    expect(sms.body).not.toMatch(/cauda|bladder|bowel/i);
    const email = await svc.message((m) => m.to === 'service-lead' && m.body.includes(id), 'the lead email');
    expect(email.subject).toMatch(/Emergency/);
    expect(email.body).toMatch(/being sent a text telling them to go to A&E/);
    expect(svc.runtime.outbox.list().some((m) => m.to === 'triage-team' && m.body.includes(id))).toBe(false);
  });

  it('tells the service lead plainly when an emergency patient has no mobile to text', async () => {
    const { mobile, ...patient } = validReferral().patient;
    const id = await svc.referAndGetId({ ...validReferral({ redFlags: ['saddle-anaesthesia'] }), patient });
    const email = await svc.message((m) => m.to === 'service-lead' && m.body.includes(id), 'the lead email');
    expect(mobile).toBeDefined();
    expect(email.body).toMatch(/NO MOBILE NUMBER/);
  });

  it.each([
    ['urgent', ['recent-trauma']],
    ['routine', []],
  ])('asks the triage team to triage a %s referral by its deadline', async (priority, redFlags) => {
    const id = await svc.referAndGetId(validReferral({ redFlags }));
    const email = await svc.message((m) => m.to === 'triage-team' && m.body.includes(id), 'the triage email');
    expect(email.subject).toContain(`(${priority})`);
    expect(email.body).toMatch(/needs triage by \d{1,2} \w{3} \d{4}/);
  });
});

describe('the decision link', () => {
  it('shows the referral and the form on GET, and GET changes nothing however often it is opened', async () => {
    const id = await svc.referAndGetId(validReferral());
    const link = await svc.linkFor(id);
    // The email goes out a moment before its event is written; start from the settled state.
    const before = await until(async () => {
      const status = await svc.status(id);
      return status.timeline.some((e: { type: string }) => e.type === 'triage_team_emailed') && status;
    }, 'the triage step to settle');
    for (let i = 0; i < 3; i++) {
      const page = await svc.open(link);
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      const body = await page.text();
      expect(body).toContain('Sam Jones');
      expect(body).toContain('943 476 5919');
      for (const label of ['Accept', 'Redirect', 'Return to referrer', 'Self-management', 'Request information'])
        expect(body).toContain(`>${label}</button>`);
    }
    expect(await svc.status(id)).toEqual(before);
  });

  it('escapes what referrers wrote', async () => {
    const id = await svc.referAndGetId({
      ...validReferral(),
      complaint: { ...validReferral().complaint, summary: '<script>alert(1)</script> & "pain"' },
    });
    const body = await (await svc.open(await svc.linkFor(id))).text();
    expect(body).not.toContain('<script>alert(1)</script>');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;pain&quot;');
  });

  it('accepts once: the decision is recorded with who, when and why, the workflow moves on, and a replay is refused', async () => {
    const id = await svc.referAndGetId(validReferral());
    const link = await svc.linkFor(id);

    const missingService = await svc.submit(link, { ...accept, service: '' });
    expect(missingService.status).toBe(400);
    expect(await missingService.text()).toContain('Choose a service');
    expect((await svc.status(id)).status).toBe('awaiting_triage');

    const decided = await svc.submit(link, { ...accept, priority: 'urgent' });
    expect(decided.status).toBe(200);
    expect(await decided.text()).toContain('Decision recorded');
    const status = await movedOnToBooking(id);
    expect(status).toMatchObject({
      status: 'booking_worklist',
      outcome: { decision: 'accept', decidedBy: 'Jo Physio', service: 'physiotherapy', priority: 'urgent' },
    });
    expect(status.timeline).toContainEqual(expect.objectContaining({ type: 'triage_decided', actor: 'staff:test-jo-physio' }));

    const replay = await svc.submit(link, accept);
    expect(replay.status).toBe(409);
    expect(await replay.text()).toContain('already been made');
    expect((await svc.open(link)).status).toBe(409);
    expect((await svc.status(id)).timeline.filter((e: { type: string }) => e.type === 'triage_decided')).toHaveLength(1);
  });

  it('is decided only by a signed-in person whose role decides it, with a form from this service', async () => {
    const id = await svc.referAndGetId(validReferral());
    const link = await svc.linkFor(id);
    const path = new URL(link).pathname;
    const post = (headers: Record<string, string>, form: Record<string, string>) =>
      fetch(link, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ ...accept, ...form }).toString(),
      });

    // No session: opening the link goes to sign-in and back here; posting changes nothing.
    const open = await fetch(link, { redirect: 'manual' });
    expect(open.status).toBe(302);
    expect(new URL(open.headers.get('location')!).pathname).toBe('/staff/sign-in');
    expect(new URL(open.headers.get('location')!).searchParams.get('return')).toBe(path);
    expect((await post({}, {})).status).toBe(401);

    // Signed in, but a form without this session's token, or sent from another site: refused.
    const jo = testClinician('Jo Physio');
    const cookie = svc.sessionCookie(jo);
    expect((await post({ Cookie: cookie }, {})).status).toBe(403);
    expect((await post({ Cookie: cookie }, { csrf: 'made-up' })).status).toBe(403);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await (await fetch(link, { headers: { Cookie: cookie } })).text())![1]!;
    expect((await post({ Cookie: cookie, Origin: 'https://evil.example' }, { csrf })).status).toBe(403);
    expect((await post({ Cookie: cookie, 'Sec-Fetch-Site': 'cross-site' }, { csrf })).status).toBe(403);

    // Signed in with another role: the page and the form are refused, with a clear page.
    const booker = { id: 'bo', name: 'Bo Booker', roles: ['booking-team' as const] };
    const refused = await fetch(link, { headers: { Cookie: svc.sessionCookie(booker) } });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('triage-clinician');
    expect((await svc.status(id)).status).toBe('awaiting_triage');

    // The right person, from the page: decided in their name.
    expect((await post({ Cookie: cookie, Origin: new URL(link).origin }, { csrf })).status).toBe(200);
    expect((await svc.status(id)).outcome).toMatchObject({ decidedBy: 'Jo Physio', decidedById: 'test-jo-physio' });
  });

  it('lets only one of two simultaneous submissions win', async () => {
    const id = await svc.referAndGetId(validReferral());
    const link = await svc.linkFor(id);
    const responses = await Promise.all([svc.submit(link, accept), svc.submit(link, { ...accept, clinician: 'Sam Other' })]);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    await movedOnToBooking(id);
    expect((await svc.status(id)).timeline.filter((e: { type: string }) => e.type === 'triage_decided')).toHaveLength(1);
  });

  it('refuses tampered, unknown and expired links, changing nothing', async () => {
    const id = await svc.referAndGetId(validReferral());
    const link = await svc.linkFor(id);
    const signed = link.split('/tasks/')[1]!;
    const tampered = `${svc.url}/tasks/${signed.slice(0, -2)}${signed.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await svc.open(tampered)).status).toBe(403);
    expect((await svc.submit(tampered, accept)).status).toBe(403);
    expect((await svc.open(`${svc.url}/tasks/not-a-link`)).status).toBe(403);
    expect((await svc.open(`${svc.url}/tasks/${signLink(newLinkId(), 'staff', TEST_LINK_KEY)}`)).status).toBe(404);

    // Age the link past its expiry, as 14 days would.
    await expireLink(link);
    expect((await svc.open(link)).status).toBe(410);
    expect((await svc.submit(link, accept)).status).toBe(410);
    expect((await svc.status(id)).status).toBe('awaiting_triage');
  });
});

describe('each decision leads to the right next step', () => {
  it('returns to the referrer with advice, by email, and shows the advice in the API', async () => {
    const id = await svc.referAndGetId(validReferral());
    await svc.submit(await svc.linkFor(id), { decision: 'return', clinician: 'Dr Triage', reason: 'Trial of NSAIDs for 4 weeks first' });
    const email = await svc.message((m) => m.to === 'a.patel@example.nhs.uk' && m.body.includes(id), 'the referrer email');
    expect(email.body).toContain('Trial of NSAIDs for 4 weeks first');
    expect((await finished(id)).states.at(-1)).toBe('Closed');
    expect(await svc.status(id)).toMatchObject({
      status: 'returned_to_referrer',
      outcome: { decision: 'return', message: 'Trial of NSAIDs for 4 weeks first' },
    });
  });

  it('closes with self-management and texts the patient a self-care link that works', async () => {
    const id = await svc.referAndGetId(withPatient({ mobile: '07700 900456' }));
    await svc.submit(await svc.linkFor(id), { decision: 'self-management', clinician: 'Jo Physio' });
    const sms = await svc.message((m) => m.to === '+447700900456' && m.body.includes('/self-care'), 'the self-care text');
    const url = /(http:\/\/\S+\/self-care)/.exec(sms.body)![1]!;
    const page = await svc.open(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Looking after muscle and joint problems');
    expect((await svc.status(id)).status).toBe('closed_self_management');
  });

  it('redirects outside secondary care at once, telling the referrer', async () => {
    const id = await svc.referAndGetId(validReferral());
    await svc.submit(await svc.linkFor(id), { decision: 'redirect', clinician: 'Dr Triage', destination: 'falls-service' });
    const email = await svc.message(
      (m) => m.to === 'a.patel@example.nhs.uk' && m.subject === `Referral ${id} redirected`,
      'the redirect email',
    );
    expect(email.body).toContain('Community falls service');
    expect((await svc.status(id)).status).toBe('redirected');
  });

  it('asks a senior clinician before secondary care; confirmed, it goes on and the referrer is told', async () => {
    const id = await svc.referAndGetId(validReferral());
    await svc.submit(await svc.linkFor(id), {
      decision: 'redirect',
      clinician: 'Dr Triage',
      destination: 'orthopaedic-surgery',
      reason: 'Failed conservative care',
    });
    expect((await svc.status(id)).status).toBe('awaiting_senior_review');
    const reviewLink = await svc.linkFor(id, 'senior-clinicians');
    const page = await (await svc.open(reviewLink)).text();
    expect(page).toContain('Secondary care: orthopaedic surgery');
    expect(
      (
        await svc.submit(reviewLink, {
          decision: 'confirm',
          clinician: 'Mr Senior',
          reason: 'Discussed',
          wantsSurgery: 'yes',
          fitForSurgery: 'yes',
        })
      ).status,
    ).toBe(200);
    await svc.message(
      (m) => m.to === 'a.patel@example.nhs.uk' && Boolean(m.subject?.includes('secondary care')) && m.body.includes(id),
      'the referrer email',
    );
    expect(await svc.status(id)).toMatchObject({
      status: 'referred_to_secondary_care',
      outcome: { decidedBy: 'Mr Senior', destination: 'orthopaedic-surgery' },
    });
  });

  it('returns a patient to community care when the senior clinician declines surgery', async () => {
    const id = await svc.referAndGetId(validReferral());
    await svc.submit(await svc.linkFor(id), { decision: 'redirect', clinician: 'Dr Triage', destination: 'spinal-surgery' });
    const reviewLink = await svc.linkFor(id, 'senior-clinicians');
    const incomplete = await svc.submit(reviewLink, { decision: 'decline', clinician: 'Mr Senior' });
    expect(incomplete.status).toBe(400);
    await svc.submit(reviewLink, {
      decision: 'decline',
      clinician: 'Mr Senior',
      reason: 'Wants surgery, but not yet',
      wantsSurgery: 'yes',
      fitForSurgery: 'not-yet',
      optimise: 'Stop smoking; BMI 41, aim under 35',
      service: 'spinal',
      priority: 'routine',
    });
    expect(await movedOnToBooking(id)).toMatchObject({
      status: 'booking_worklist',
      outcome: { service: 'spinal', decision: 'returned-to-community-care', surgery: { wants: 'yes', fit: 'not-yet' } },
    });
    // The referrer is told what to optimise before referring for surgery again.
    const told = await svc.message(
      (m) => m.to === 'a.patel@example.nhs.uk' && m.subject === `Referral ${id}: not yet fit for surgery`,
      'the referrer',
    );
    expect(told.body).toContain('Stop smoking; BMI 41, aim under 35');
  });

  it('asks the referrer for information, and triages again when it arrives through the API', async () => {
    const id = await svc.referAndGetId(validReferral());
    await svc.submit(await svc.linkFor(id), { decision: 'request-information', clinician: 'Dr Triage', reason: 'Recent X-ray report?' });
    const ask = await svc.message((m) => m.to === 'a.patel@example.nhs.uk' && m.body.includes('Recent X-ray report?'), 'the question');
    expect(ask.body).toContain(`/referrals/${id}/information`);
    expect((await svc.status(id)).status).toBe('information_requested');

    const answer = (body: unknown) =>
      fetch(`${svc.url}/referrals/${id}/information`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await answer({})).status).toBe(400);
    expect((await answer({ information: 'X-ray normal, 1 Nov' })).status).toBe(202);
    expect((await answer({ information: 'again' })).status).toBe(409);

    const emails = await until(() => {
      const found = svc.runtime.outbox.list().filter((m) => m.to === 'triage-team' && m.body.includes(id));
      return found.length === 2 && found;
    }, 'a second triage email');
    expect(emails[1]!.body).not.toBe(emails[0]!.body); // a new link for the new triage step
    const status = await svc.status(id);
    expect(status.status).toBe('awaiting_triage');
    expect(status.timeline.map((e: { type: string }) => e.type)).toContain('information_received');
    await svc.submit(await svc.linkFor(id), accept);
    expect((await movedOnToBooking(id)).outcome).toMatchObject({ decision: 'accept' });
  });

  it('for a self-referral, "return" texts the patient to see their GP, and asking for information is refused', async () => {
    const id = await svc.referAndGetId(selfReferral());
    const link = await svc.linkFor(id);
    const refused = await svc.submit(link, { decision: 'request-information', clinician: 'Dr Triage', reason: 'More detail?' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('self-referral');
    await svc.submit(link, { decision: 'return', clinician: 'Dr Triage', reason: 'See your GP about blood tests' });
    const sms = await svc.message((m) => m.channel === 'sms' && m.body.includes('speak to your GP'), 'the see-your-GP text');
    expect(sms.body).not.toContain('blood');
    expect((await svc.status(id)).status).toBe('returned_to_referrer');
  });
});
