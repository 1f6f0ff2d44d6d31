/**
 * Status sent back: what a referrer system's callback receives, how it is signed, and how often a
 * failed delivery is tried again. No I/O here: the capture, the queue and the POST are in
 * services/callbacks.ts; AWS (SQS) and the local runtime both follow the schedule below.
 *
 * An event carries the referral id, its new status, when, and a stable event id: never patient
 * data. It is signed as well-known webhook schemes sign (Stripe's `t=…,v1=…`): an HMAC-SHA256,
 * with the referrer's shared secret, of `<t>.<body>`, where t is the Unix time of the attempt, so
 * that a receiver can refuse an old message replayed at it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

import type { ReferralStatus } from './vocabulary.js';

/** One status change of one referral, as its referrer's system receives it. */
export interface StatusEvent {
  /** Always `referral.status_changed` (room for other kinds of event later). */
  type: 'referral.status_changed';
  /** Stable across every attempt: the same change always has the same id (de-duplicate on it). */
  eventId: string;
  referralId: string;
  status: ReferralStatus;
  /** The referral's version after the change: later changes have larger numbers (events may arrive out of order). */
  sequence: number;
  /** When the status changed (ISO 8601, UTC). */
  at: string;
}

/** The signature header and the event id header (also in the body), as sent. */
export const SIGNATURE_HEADER = 'X-MSK-Signature';
export const EVENT_ID_HEADER = 'X-MSK-Event-Id';

/**
 * The wire form of an event: keys always in this order, no spaces. The receiver must verify the
 * signature over the body exactly as received (raw bytes), never over a re-serialised object.
 */
export function statusEventBody(event: StatusEvent): string {
  const { type, eventId, referralId, status, sequence, at } = event;
  return JSON.stringify({ type, eventId, referralId, status, sequence, at });
}

/** The hex HMAC-SHA256 of `<t>.<body>` with the shared secret. */
export function signature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** `t=<unix seconds>,v1=<hex hmac-sha256 of "<t>.<body>">`, the value of X-MSK-Signature. */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signature(secret, timestamp, body)}`;
}

/**
 * What a receiver does (the README shows the same in a few lines): the header's signature must be
 * the HMAC of `<t>.<body>`, and t within `toleranceSeconds` of the receiver's clock.
 */
export function verifySignature(
  header: string | undefined,
  body: string,
  secret: string,
  { nowSeconds, toleranceSeconds = 300 }: { nowSeconds: number; toleranceSeconds?: number },
): boolean {
  const parts = new Map((header ?? '').split(',').map((part) => part.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const given = Buffer.from(parts.get('v1') ?? '', 'hex');
  const expected = Buffer.from(signature(secret, t, body), 'hex');
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Seconds to wait after each failed attempt before the next: quickly at first (a receiver
 * restarting), then further apart, 6 hours at most, for 25 h 48 min after the first attempt
 * (13 attempts). SQS holds a message out of sight for at most 12 hours at a time
 * (ChangeMessageVisibility), so no single wait may be longer than that.
 */
export const CALLBACK_RETRY_DELAYS_SECONDS = [30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 21600, 21600, 21600] as const;

/** Attempts in all: the queue's maxReceiveCount, after which SQS moves the message to the dead-letter queue. */
export const CALLBACK_MAX_ATTEMPTS = CALLBACK_RETRY_DELAYS_SECONDS.length + 1;

/** The longest wait SQS allows (ChangeMessageVisibility's maximum: 12 hours). */
export const SQS_MAX_VISIBILITY_SECONDS = 12 * 3600;

/**
 * How long to wait after attempt `attempt` (1 = the first) failed; undefined when that was the
 * last attempt (the message goes to the dead-letter queue, and staff are told).
 */
export function retryDelayAfter(attempt: number): number | undefined {
  return attempt >= 1 ? CALLBACK_RETRY_DELAYS_SECONDS[attempt - 1] : CALLBACK_RETRY_DELAYS_SECONDS[0];
}

/** A referral's stored state, as a change to it is seen (the table's stream images, unmarshalled). */
type Image = Record<string, unknown> | undefined;

/** A status change to send to a referrer client: whose referral it is, and the event. */
export interface StatusChange {
  clientId: string;
  event: StatusEvent;
}

/**
 * The status change a write made, if it made one: a referral's `META` item stored (first status)
 * or changed to another status. Any other item (events, notes, tasks) or a change that kept the
 * status (a reminder recorded, a claim) is not one. The event id is the referral and its version,
 * so that the same change seen twice (a stream record redelivered) has the same id.
 */
export function statusChangeFrom(before: Image, after: Image): StatusChange | undefined {
  if (!after || after.sk !== 'META' || after.entity !== 'referral') return undefined;
  if (before && before.status === after.status) return undefined;
  const referralId = String(after.id);
  const sequence = Number(after.version);
  return {
    clientId: String(after.clientId),
    event: {
      type: 'referral.status_changed',
      eventId: `${referralId}.${sequence}`,
      referralId,
      status: after.status as ReferralStatus,
      sequence,
      at: String(after.updatedAt ?? after.receivedAt),
    },
  };
}

/** A queued callback's body, read back; undefined for anything else (never thrown at: a bad message is dropped, not retried). */
export function parseStatusChange(body: string): StatusChange | undefined {
  try {
    const parsed = JSON.parse(body) as StatusChange;
    const e = parsed?.event;
    if (typeof parsed.clientId !== 'string' || !e || e.type !== 'referral.status_changed') return undefined;
    if (typeof e.eventId !== 'string' || typeof e.referralId !== 'string' || typeof e.status !== 'string') return undefined;
    return { clientId: parsed.clientId, event: e };
  } catch {
    return undefined;
  }
}
