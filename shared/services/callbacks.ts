/**
 * Status sent back to referrer systems, in three steps, each its own function in AWS:
 *
 * 1. capture: every write to the table is on its stream; a referral's status change whose referrer
 *    client has a callback is queued (captureStatusChanges);
 * 2. deliver: each queued change is signed and POSTed to the callback; a failure comes back after
 *    the next wait of the schedule (domain/callbacks.ts), up to CALLBACK_MAX_ATTEMPTS attempts
 *    over 25 hours (deliverCallbacks);
 * 3. give up: what was never accepted reaches the dead-letter queue; the service lead is emailed
 *    and the referral's timeline shows it (recordCallbackFailures).
 *
 * At least once: a change may be delivered more than once (a receiver that took it but answered
 * too late, a stream record read twice), always with the same event id.
 */
import { now, nowIso } from '../clock.js';
import { config } from '../config.js';
import {
  CALLBACK_MAX_ATTEMPTS,
  CALLBACK_RETRY_DELAYS_SECONDS,
  EVENT_ID_HEADER,
  parseStatusChange,
  retryDelayAfter,
  SIGNATURE_HEADER,
  signatureHeader,
  type StatusChange,
  statusChangeFrom,
  statusEventBody,
} from '../domain/callbacks.js';
import { staffEmails } from '../domain/emails.js';
import { logger } from '../logger.js';
import { adapters } from '../ports/index.js';
import { changeReferral, getReferralWithTimeline } from '../store/referrals.js';
import type { TableChange } from '../store/stream.js';

/** How long a receiver has to answer one POST. */
export const CALLBACK_TIMEOUT_MS = 5_000;

/**
 * Queues the status changes among these writes whose referrer client has a callback. Anything
 * else (other items, changes that kept the status, clients without a callback) is left out.
 */
export async function captureStatusChanges(writes: TableChange[]): Promise<{ queued: number }> {
  const { referrerCallbacks, callbackQueue } = adapters();
  const changes = writes
    .map(({ before, after }) => statusChangeFrom(before, after))
    .filter((change): change is StatusChange => !!change && !!referrerCallbacks.callbackFor(change.clientId));
  if (changes.length) await callbackQueue.enqueue(changes);
  return { queued: changes.length };
}

/** A queued callback as received: SQS's message id, body, receipt handle and how many times it has been received. */
export interface CallbackMessage {
  messageId: string;
  body: string;
  receipt: string;
  /** 1 for the first attempt (SQS's ApproximateReceiveCount). */
  receiveCount: number;
}

/**
 * Delivers each message: POSTs the signed event; a 2xx answer is delivery. Otherwise (another
 * answer, a refused connection, no answer within CALLBACK_TIMEOUT_MS) the message is to come back
 * after the schedule's next wait; after the last attempt it comes back at once, and SQS moves it to
 * the dead-letter queue. Returns the message ids not delivered (SQS's batch item failures).
 */
export async function deliverCallbacks(messages: CallbackMessage[]): Promise<{ failed: string[] }> {
  const outcomes = await Promise.all(messages.map(async (message) => ((await deliver(message)) ? undefined : message.messageId)));
  return { failed: outcomes.filter((id): id is string => !!id) };
}

async function deliver(message: CallbackMessage): Promise<boolean> {
  const { referrerCallbacks, callbackQueue } = adapters();
  const change = parseStatusChange(message.body);
  const callback = change && referrerCallbacks.callbackFor(change.clientId);
  if (!change || !callback) {
    // Not ours, or the client's callback was taken away since: nothing to deliver, ever.
    logger.warn('callback dropped: not a status change, or its client has no callback now', { messageId: message.messageId });
    return true;
  }
  const { event } = change;
  let outcome: string;
  try {
    const body = statusEventBody(event);
    const timestamp = Math.floor(now().getTime() / 1000);
    const response = await fetch(callback.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'MSK-Pathway-Callbacks/1',
        [SIGNATURE_HEADER]: signatureHeader(await referrerCallbacks.secretFor(change.clientId), timestamp, body),
        [EVENT_ID_HEADER]: event.eventId,
      },
      body,
      // A redirect is not followed: the registered URL is the only place events go.
      redirect: 'manual',
      signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (response.ok) return true;
    outcome = `HTTP ${response.status}`;
  } catch (error) {
    outcome = (error as Error)?.name ?? 'Error';
  }
  const delay = retryDelayAfter(message.receiveCount);
  // After the last attempt: visible again at once, so that SQS moves it to the dead-letter queue now.
  await callbackQueue.retryAfter(message.receipt, delay ?? 0);
  logger.warn('callback not delivered', {
    referralId: event.referralId,
    eventId: event.eventId,
    client: callback.name,
    attempt: message.receiveCount,
    outcome,
    ...(delay === undefined ? { lastAttempt: true } : { retryInSeconds: delay }),
  });
  return false;
}

/** Hours from the first attempt to the last, as staff are told. */
const TRYING_HOURS = Math.round(CALLBACK_RETRY_DELAYS_SECONDS.reduce((a, b) => a + b, 0) / 3600);

/**
 * Status changes that were never delivered (the dead-letter queue): the service lead is emailed and
 * the referral's timeline records it (`status_callback_failed`), once per event: a message seen
 * again after both is left alone. The email goes first, so that if it cannot go nothing is recorded
 * and the retry tries both again. Returns the message ids to try again.
 */
export async function recordCallbackFailures(messages: CallbackMessage[]): Promise<{ failed: string[] }> {
  const failed: string[] = [];
  for (const message of messages) {
    try {
      await recordFailure(message);
    } catch (error) {
      logger.error('callback failure not recorded', { messageId: message.messageId, error: (error as Error)?.name });
      failed.push(message.messageId);
    }
  }
  return { failed };
}

async function recordFailure(message: CallbackMessage): Promise<void> {
  const change = parseStatusChange(message.body);
  if (!change) return;
  const { event } = change;
  const found = await getReferralWithTimeline(event.referralId);
  if (!found) return;
  const recorded = found.timeline.some((e) => e.type === 'status_callback_failed' && e.detail?.eventId === event.eventId);
  if (recorded) return;
  const client = adapters().referrerCallbacks.callbackFor(change.clientId)?.name ?? change.clientId;
  const { messageId } = await adapters().notifier.sendStaffEmail(
    'service-lead',
    staffEmails.callbackFailed({
      reference: event.referralId,
      status: event.status,
      client,
      hours: TRYING_HOURS,
      timeline: `${config().PUBLIC_BASE_URL}/dashboard/referrals/${event.referralId}`,
    }),
  );
  await changeReferral(found.referral, {
    event: {
      type: 'status_callback_failed',
      at: nowIso(),
      actor: 'system:callbacks',
      detail: { eventId: event.eventId, status: event.status, client, attempts: CALLBACK_MAX_ATTEMPTS, serviceLeadEmailId: messageId },
    },
  });
  logger.error('status callback failed after every attempt', { referralId: event.referralId, eventId: event.eventId, client });
}
