/**
 * Status sent back: a referrer system's receiver (an HTTP server started here) gets every status
 * change of a journey, signed exactly as the README documents, through the same path AWS runs (the
 * table's stream, the queue, the delivery function); it keeps getting them after being down for a
 * while; and a change it never accepts is put before staff once the retries run out.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { now } from '../../shared/clock.js';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, verifySignature } from '../../shared/domain/callbacks.js';
import { withPatient } from '../support/fixtures.js';
import { until } from '../support/harness.js';
import { type LocalService, startLocalService } from '../support/local-service.js';

const SECRET = 'test-callback-secret-0123456789';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  verified: boolean;
}

/** A receiver as a GP system would run one: answers 204, or 503, or drops the connection, as told. */
async function receiver() {
  const received: Received[] = [];
  let attempts = 0;
  let mode: 'up' | 'unavailable' | 'drop' = 'up';
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      attempts += 1;
      if (mode === 'drop') return request.socket.destroy();
      if (mode === 'unavailable') return response.writeHead(503).end();
      const body = Buffer.concat(chunks).toString('utf8');
      const header = request.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined;
      const verified = verifySignature(header, body, SECRET, { nowSeconds: Math.floor(now().getTime() / 1000), toleranceSeconds: 3600 });
      received.push({ headers: request.headers, body, verified });
      response.writeHead(verified ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/msk/status`,
    received,
    attempts: () => attempts,
    set: (next: typeof mode) => (mode = next),
    /** Each event once (by event id), in the order of the referral's changes. */
    events: (referralId: string) =>
      [...new Map(received.map((r) => JSON.parse(r.body)).map((e) => [e.eventId, e])).values()]
        .filter((e) => e.referralId === referralId)
        .sort((a, b) => a.sequence - b.sequence),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('Status sent back to the referrer system', () => {
  let svc: LocalService;
  let gp: Awaited<ReturnType<typeof receiver>>;

  beforeAll(async () => {
    gp = await receiver();
    // An hour a second: the back-off's first waits pass in milliseconds, its hours in seconds.
    svc = await startLocalService({ speedup: 3600, referrerCallback: { url: gp.url, secret: SECRET } });
  }, 60_000);
  afterAll(async () => {
    await svc?.stop();
    await gp?.close();
  });

  const journey = async () => {
    const id = await svc.referAndGetId(withPatient({ mobile: '07700 900123' }));
    await until(async () => (await svc.status(id)).status === 'awaiting_triage', `${id} awaiting triage`);
    await svc.submit(await svc.linkFor(id), { decision: 'return', clinician: 'Dr Triage', reason: 'Trial of NSAIDs first' });
    await until(async () => (await svc.status(id)).status === 'returned_to_referrer', `${id} returned`);
    return id;
  };

  it('delivers every status change of a journey, signed, in the documented shape, with nothing about the patient', async () => {
    const id = await journey();
    const events = await until(() => gp.events(id).length === 3 && gp.events(id), 'three status events');
    expect(events.map((e) => e.status)).toEqual(['received', 'awaiting_triage', 'returned_to_referrer']);
    const deliveries = gp.received.filter((r) => r.body.includes(id));
    for (const { headers, body, verified } of deliveries) {
      expect(verified).toBe(true);
      expect(headers['content-type']).toBe('application/json');
      expect(headers[SIGNATURE_HEADER.toLowerCase()]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      const event = JSON.parse(body);
      // Exactly these keys, in this order (the README's example), and the event id in a header too.
      expect(Object.keys(event)).toEqual(['type', 'eventId', 'referralId', 'status', 'sequence', 'at']);
      expect(event).toMatchObject({ type: 'referral.status_changed', referralId: id, eventId: `${id}.${event.sequence}` });
      expect(headers[EVENT_ID_HEADER.toLowerCase()]).toBe(event.eventId);
      expect(Date.parse(event.at)).not.toBeNaN();
      for (const personal of ['9434765919', 'Sam', 'Jones', 'PR7', '07700', '+447700']) expect(body).not.toContain(personal);
    }
    // The statuses are the referral's own, and the last is where it stands.
    expect(events.at(-1)!.status).toBe((await svc.status(id)).status);
  }, 60_000);

  it('keeps delivering after the receiver was down for a while: every change arrives, duplicates only with the same event id', async () => {
    gp.set('unavailable');
    const before = gp.attempts();
    const down = now().getTime();
    const id = await svc.referAndGetId(withPatient({ mobile: '07700 900124' }));
    await until(async () => (await svc.status(id)).status === 'awaiting_triage', `${id} awaiting triage`);
    // Refused, then unreachable, over several attempts each (hours of the service's time).
    await until(() => gp.attempts() - before >= 12, 'twelve refused attempts', 30_000);
    gp.set('drop');
    await svc.submit(await svc.linkFor(id), { decision: 'return', clinician: 'Dr Triage', reason: 'Physiotherapy advice first' });
    await until(async () => (await svc.status(id)).status === 'returned_to_referrer', `${id} returned`);
    const dropped = gp.attempts();
    await until(() => gp.attempts() - dropped >= 4, 'four dropped attempts', 30_000);
    // Down for more than an hour of the service's time (the attempts alone may take less: other
    // referrals' changes are attempted too), and nothing of this referral's got through.
    await until(() => now().getTime() - down > 3600_000 || undefined, 'an hour of downtime', 30_000);
    expect(gp.events(id)).toEqual([]);

    gp.set('up');
    const events = await until(() => gp.events(id).length === 3 && gp.events(id), 'the missed events after recovery', 30_000);
    expect(events.map((e) => e.status)).toEqual(['received', 'awaiting_triage', 'returned_to_referrer']);
    const bodies = new Map<string, Set<string>>();
    for (const r of gp.received.filter((r) => r.body.includes(id))) {
      const { eventId } = JSON.parse(r.body);
      bodies.set(eventId, (bodies.get(eventId) ?? new Set()).add(r.body));
    }
    // A change delivered twice is the same change: same id, same body.
    for (const [eventId, sent] of bodies) expect(sent.size, eventId).toBe(1);
    expect(svc.runtime.callbacks!.deadLetters.length).toBe(0);
    expect((await svc.status(id)).timeline.map((e: { type: string }) => e.type)).not.toContain('status_callback_failed');
  }, 90_000);
});

describe('A status change the referrer system never accepts', () => {
  let svc: LocalService;
  let gp: Awaited<ReturnType<typeof receiver>>;

  beforeAll(async () => {
    gp = await receiver();
    gp.set('unavailable');
    // Ten hours a second: the whole 25.8-hour schedule in under three seconds.
    svc = await startLocalService({ speedup: 36_000, referrerCallback: { url: gp.url, secret: SECRET } });
  }, 60_000);
  afterAll(async () => {
    await svc?.stop();
    await gp?.close();
  });

  it('is tried 13 times over 25.8 hours, then the service lead is emailed and the timeline shows it, once per change', async () => {
    const started = now().getTime();
    const id = await svc.referAndGetId(withPatient({ mobile: '07700 900125' }));
    const email = await svc.message(
      (m) => m.to === 'service-lead' && m.body.includes(id) && m.subject!.includes('was not told') && m.subject!.includes('received'),
      'the service lead told the referrer was not told',
    );
    expect(email.body).toContain(`now received`);
    expect(email.body).toContain(`/dashboard/referrals/${id}`);
    expect(now().getTime() - started).toBeGreaterThan(25 * 3600_000);
    const audit = await until(async () => {
      const response = await fetch(`${svc.url}/audit/referrals/${id}`, { headers: { Authorization: 'Bearer test-staff-token' } });
      const trail = (await response.json()) as { timeline: { type: string; detail?: Record<string, unknown> }[] };
      const failed = trail.timeline.filter((e) => e.type === 'status_callback_failed');
      return failed.length >= 2 && failed;
    }, 'both changes recorded as failed on the timeline');
    expect(audit.map((e) => e.detail)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ eventId: `${id}.1`, status: 'received', client: 'local-referrer', attempts: 13 }),
        expect.objectContaining({ status: 'awaiting_triage', attempts: 13 }),
      ]),
    );
    // Every attempt was made: 13 for each of the two changes (received, awaiting triage).
    expect(gp.attempts()).toBeGreaterThanOrEqual(26);
    expect(audit).toHaveLength(2);
  }, 90_000);
});
