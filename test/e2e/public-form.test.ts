/**
 * The public self-referral form, as someone who wants to abuse it would try: text a stranger
 * again and again, put a link in the greeting, post from another site, hide text with bidi
 * controls. And the patient whose answers are an emergency is told on the page, at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { getReferral } from '../../shared/store/referrals.js';
import { until } from '../support/harness.js';
import { type LocalService, startLocalService } from '../support/local-service.js';

let svc: LocalService;
beforeAll(async () => {
  svc = await startLocalService();
});
afterAll(() => svc?.stop());

const FIELDS = {
  givenName: 'Robin',
  familyName: 'Smith',
  nhsNumber: '9434765919',
  dateOfBirth: '1980-02-03',
  postcode: 'PR7 1AA',
  bodySite: 'knee',
  summary: 'Knee pain on stairs',
  durationWeeks: '8',
  painScore: '5',
};

async function selfRefer(fields: Record<string, string>, headers: Record<string, string> = {}, redFlags: string[] = []) {
  const form = await (await fetch(`${svc.url}/self-referral`)).text();
  const submission = /name="submission" value="([^"]+)"/.exec(form)![1]!;
  const body = new URLSearchParams({ ...FIELDS, submission, ...fields });
  for (const flag of redFlags) body.append('redFlags', flag);
  const response = await fetch(`${svc.url}/self-referral`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: body.toString(),
  });
  const page = await response.text();
  return { status: response.status, page, reference: /<strong>([0-9A-Z]{26})<\/strong>/.exec(page)?.[1] };
}
/** A self-referral has no referring system to ask: the service lead reads its audit trail. */
const audit = async (id: string) =>
  (await (await svc.admin('GET', `/audit/referrals/${id}`, undefined)).json()) as {
    status: string;
    timeline: { type: string; detail?: Record<string, unknown> }[];
  };
const textsTo = (mobile: string) => svc.runtime.outbox.list().filter((m) => m.channel === 'sms' && m.to === mobile);

describe('the public self-referral form', () => {
  it('texts one mobile at most 3 times a day; the fourth referral is accepted, its text withheld and the booking team told', async () => {
    const mobile = '+447700900311';
    const references: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { status, reference } = await selfRefer({ mobile: '07700 900311', summary: `Knee pain ${i}` });
      expect(status).toBe(200);
      references.push(reference!);
    }
    const fourth = references[3]!;
    await until(async () => (await audit(fourth)).timeline.some((e) => e.type === 'notification_failed'), 'the team to be told');
    for (const id of references) expect((await audit(id)).status).toBe('awaiting_triage');
    expect(textsTo(mobile)).toHaveLength(3);
    const { timeline } = await audit(fourth);
    expect(timeline).toContainEqual(
      expect.objectContaining({ type: 'text_withheld', detail: expect.objectContaining({ template: 'acknowledgement' }) }),
    );
    expect(timeline.find((e) => e.type === 'notification_failed')!.detail).toMatchObject({ reason: expect.stringMatching(/withheld/) });
    const email = await svc.message(
      (m) => m.channel === 'email' && m.to === 'booking-team' && m.body.includes(fourth),
      'the booking team email',
    );
    expect(email.body).not.toMatch(/Robin|Smith|07700|900311/);
    // Another number is not affected.
    await selfRefer({ mobile: '07700 900312' });
    await until(() => textsTo('+447700900312').length === 1, 'the other number to be texted');
  });

  it('never greets with a name that is not letters: a URL in the given name gives a plain "Hello"', async () => {
    const { status } = await selfRefer({ givenName: 'https://pay.example/x', mobile: '07700 900313' });
    expect(status).toBe(200);
    const text = await until(() => textsTo('+447700900313')[0], 'the acknowledgement');
    expect(text.body).toMatch(/^Hello, /);
    expect(text.body).not.toContain('pay.example');
  });

  it('refuses hidden or reordering characters in names and free text, field by field, and stores names composed (NFC)', async () => {
    const {
      status,
      page,
      reference: refused,
    } = await selfRefer({ familyName: 'Smith\u202Egnp.exe', summary: 'pain\u200Bhere', givenName: 'Ro\u0085bin' });
    expect(status).toBe(400);
    for (const field of ['givenName', 'familyName', 'summary'])
      expect(page).toMatch(new RegExp(`id="${field}-error"[^>]*>[^<]*<[^>]*>Error:</span> [^<]*must not contain control characters`));
    expect(refused).toBeUndefined();
    // "Renée" typed as e + combining accent is stored as the one composed character.
    const { reference } = await selfRefer({ givenName: 'Rene\u0301e', mobile: '07700 900314' });
    const text = await until(() => textsTo('+447700900314')[0], 'the acknowledgement');
    expect(text.body).toMatch(/^Hi Ren\u00e9e, /);
    expect(reference).toBeDefined();
  });

  it('takes a landline besides (or instead of) a mobile, refusing one that is not a UK number, field by field', async () => {
    const refused = await selfRefer({ phone: '+33 1 23 45 67 89' });
    expect(refused.status).toBe(400);
    expect(refused.page).toMatch(
      /id="phone-error"[^>]*>[^<]*<[^>]*>Error:<\/span> Other phone number \(optional\) must be a UK telephone number/,
    );
    const { reference } = await selfRefer({ phone: '01632 960 444' });
    const stored = await until(async () => (await getReferral(reference!))?.patient, 'the referral');
    expect(stored).toMatchObject({ phone: '+441632960444' });
    expect(stored!.mobile).toBeUndefined();
  });

  it('refuses a post from another site and stores nothing', async () => {
    const { status, page, reference } = await selfRefer({ mobile: '07700 900315' }, { Origin: 'https://evil.example' });
    expect(status).toBe(403);
    expect(page).toContain('This form cannot be sent');
    expect(reference).toBeUndefined();
    // Nothing was stored, so nothing texts the number.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(textsTo('+447700900315')).toEqual([]);
  });

  it('tells a patient whose answers are an emergency to go to A&E on the page, at once', async () => {
    const { status, page, reference } = await selfRefer({ mobile: '07700 900316' }, {}, ['saddle-anaesthesia']);
    expect(status).toBe(200);
    expect(page).toContain('nhsuk-card--care--emergency');
    expect(page).toMatch(/Go to A&amp;E now or call 999/);
    // The referral goes the emergency way too, and the text is the backup.
    await until(async () => (await audit(reference!)).status === 'redirected_emergency', 'the emergency route');
    expect(textsTo('+447700900316')[0]!.body).toMatch(/go to A&E now/);
  });
});
