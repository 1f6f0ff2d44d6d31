/** Status sent back: the signature (a known vector), the back-off schedule, what counts as a status change, and the local queue. */
import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';

import { LocalQueue } from '../../local/queue.js';
import { fixedClock, useClock } from '../../shared/clock.js';
import {
  CALLBACK_MAX_ATTEMPTS,
  CALLBACK_RETRY_DELAYS_SECONDS,
  retryDelayAfter,
  signatureHeader,
  SQS_MAX_VISIBILITY_SECONDS,
  statusChangeFrom,
  type StatusEvent,
  statusEventBody,
  verifySignature,
} from '../../shared/domain/callbacks.js';

const EVENT: StatusEvent = {
  type: 'referral.status_changed',
  eventId: '01JTESTREFERRAL0000000000.2',
  referralId: '01JTESTREFERRAL0000000000',
  status: 'awaiting_triage',
  sequence: 2,
  at: '2026-11-23T09:00:00.000Z',
};

describe('Signing', () => {
  it('signs "<t>.<body>" with HMAC-SHA256, as the README documents (a vector computed with openssl)', () => {
    // printf '%s' "1700000000.$BODY" | openssl dgst -sha256 -hmac 'whsec-example-secret'
    const body = statusEventBody(EVENT);
    expect(body).toBe(
      '{"type":"referral.status_changed","eventId":"01JTESTREFERRAL0000000000.2","referralId":"01JTESTREFERRAL0000000000",' +
        '"status":"awaiting_triage","sequence":2,"at":"2026-11-23T09:00:00.000Z"}',
    );
    expect(signatureHeader('whsec-example-secret', 1_700_000_000, body)).toBe(
      't=1700000000,v1=cfe70b5555282b2dba436ad2e72e9233252b50884e3e85b2a2b172340d2b5eba',
    );
  });

  it('verifies only the exact body, with the right secret, within the tolerance', () => {
    const body = statusEventBody(EVENT);
    const header = signatureHeader('whsec-example-secret', 1_700_000_000, body);
    const at = { nowSeconds: 1_700_000_100 };
    expect(verifySignature(header, body, 'whsec-example-secret', at)).toBe(true);
    expect(verifySignature(header, body.replace('awaiting_triage', 'accepted'), 'whsec-example-secret', at)).toBe(false);
    expect(verifySignature(header, body, 'another-secret', at)).toBe(false);
    expect(verifySignature(header, body, 'whsec-example-secret', { nowSeconds: 1_700_000_000 + 301 })).toBe(false);
    expect(verifySignature(header.replace('t=1700000000', 't=1700000001'), body, 'whsec-example-secret', at)).toBe(false);
    for (const bad of [undefined, '', 'v1=abc', 't=1700000000', 't=x,v1=00'])
      expect(verifySignature(bad, body, 'whsec-example-secret', at)).toBe(false);
  });
});

describe('Back-off schedule', () => {
  const total = CALLBACK_RETRY_DELAYS_SECONDS.reduce((a, b) => a + b, 0);

  it('keeps trying for at least 24 hours, never waiting longer than SQS can hold a message out of sight', () => {
    expect(total).toBeGreaterThanOrEqual(24 * 3600);
    expect(total).toBe(92_910); // 25 h 48 min 30 s, as the README says
    for (const wait of CALLBACK_RETRY_DELAYS_SECONDS) expect(wait).toBeLessThanOrEqual(SQS_MAX_VISIBILITY_SECONDS);
  });

  it('waits longer each time, quickly at first, and gives up after the 13th attempt', () => {
    expect([...CALLBACK_RETRY_DELAYS_SECONDS]).toEqual([...CALLBACK_RETRY_DELAYS_SECONDS].sort((a, b) => a - b));
    expect(CALLBACK_MAX_ATTEMPTS).toBe(13);
    expect([1, 2, 3, 12].map(retryDelayAfter)).toEqual([30, 60, 120, 21_600]);
    expect(retryDelayAfter(CALLBACK_MAX_ATTEMPTS)).toBeUndefined();
  });
});

describe('What a status change is', () => {
  const meta = { pk: 'REFERRAL#r1', sk: 'META', entity: 'referral', id: 'r1', clientId: 'emis', receivedAt: '2026-11-23T09:00:00.000Z' };

  it('is a referral stored (its first status) or moved to another status, with an id from the referral and its version', () => {
    expect(statusChangeFrom(undefined, { ...meta, status: 'received', version: 1 })).toEqual({
      clientId: 'emis',
      event: { type: 'referral.status_changed', eventId: 'r1.1', referralId: 'r1', status: 'received', sequence: 1, at: meta.receivedAt },
    });
    const moved = statusChangeFrom(
      { ...meta, status: 'received', version: 1 },
      { ...meta, status: 'awaiting_triage', version: 2, updatedAt: '2026-11-23T09:00:01.000Z' },
    );
    expect(moved?.event).toMatchObject({ eventId: 'r1.2', status: 'awaiting_triage', at: '2026-11-23T09:00:01.000Z' });
  });

  it('is not a change that kept the status, nor any other item (events, notes, tasks)', () => {
    expect(statusChangeFrom({ ...meta, status: 'awaiting_triage', version: 2 }, { ...meta, status: 'awaiting_triage', version: 3 })).toBe(
      undefined,
    );
    expect(statusChangeFrom(undefined, { pk: 'REFERRAL#r1', sk: 'EVENT#2026#000001', entity: 'event', type: 'received' })).toBe(undefined);
    expect(statusChangeFrom(undefined, { pk: 'TASK#t', sk: 'TASK', status: 'open' })).toBe(undefined);
    expect(statusChangeFrom({ ...meta, status: 'received' }, undefined)).toBe(undefined);
  });
});

describe('LocalQueue (the local stand-in for SQS with a dead-letter queue)', () => {
  let restore: () => void = () => undefined;
  afterEach(() => restore());

  it('brings a failed message back when its visibility says, counts receives, and dead-letters it after maxReceiveCount', async () => {
    const clock = fixedClock('2026-11-23T09:00:00Z');
    restore = useClock(clock);
    const seen: { count: string; receipt: string }[] = [];
    const dead: string[] = [];
    const deadLetters = new LocalQueue({
      name: 'dlq',
      visibilityTimeoutSeconds: 60,
      consume: async (event: SQSEvent) => void dead.push(...event.Records.map((r) => r.body)),
    });
    const queue = new LocalQueue({
      name: 'q',
      visibilityTimeoutSeconds: 120,
      maxReceiveCount: 3,
      deadLetters,
      consume: async (event) => {
        for (const r of event.Records) seen.push({ count: r.attributes.ApproximateReceiveCount, receipt: r.receiptHandle });
        // Every delivery fails; the first comes back after 30 s, the rest after the visibility timeout.
        if (seen.length === 1) queue.changeVisibility(event.Records[0]!.receiptHandle, 30);
        return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });
    queue.send(['{"n":1}']);
    await queue.poll();
    expect(seen.map((s) => s.count)).toEqual(['1']);
    clock.advance(29_000);
    await queue.poll();
    expect(seen).toHaveLength(1);
    clock.advance(1_000);
    await queue.poll();
    expect(seen.map((s) => s.count)).toEqual(['1', '2']);
    expect(() => queue.changeVisibility(seen[0]!.receipt, 0)).toThrow('ReceiptHandleIsInvalid');
    clock.advance(120_000);
    await queue.poll();
    clock.advance(120_000);
    await queue.poll();
    expect(seen.map((s) => s.count)).toEqual(['1', '2', '3']);
    expect(queue.length).toBe(0);
    await deadLetters.poll();
    expect(dead).toEqual(['{"n":1}']);
  });

  it('deletes what the function delivered, and keeps a whole batch when the function throws', async () => {
    restore = useClock(fixedClock('2026-11-23T09:00:00Z'));
    let fail = true;
    const queue = new LocalQueue({
      name: 'q',
      visibilityTimeoutSeconds: 0,
      consume: async () => {
        if (fail) throw new Error('boom');
      },
    });
    queue.send(['a', 'b']);
    await queue.poll().catch(() => undefined);
    expect(queue.length).toBe(2);
    fail = false;
    await queue.poll();
    expect(queue.length).toBe(0);
  });
});
