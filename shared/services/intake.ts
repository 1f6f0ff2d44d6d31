/**
 * Accepting a referral: store it (with its Idempotency-Key, atomically), then start its workflow.
 * A retry with the same key and body returns the referral the first attempt created, and makes
 * sure its workflow was started, so a crash between the two steps heals on the client's retry.
 */
import { createHash } from 'node:crypto';

import { now } from '../clock.js';
import { config } from '../config.js';
import type { Caller } from '../domain/caller.js';
import type { Referral, ReferralRequest } from '../domain/referral.js';
import { hoursAfter } from '../domain/time.js';
import { newReferralId } from '../ids.js';
import { metrics } from '../metrics.js';
import { adapters } from '../ports/index.js';
import { ConcurrentChangeError, IdempotencyConflictError } from '../store/errors.js';
import { createReferral, getReferral, referralsInStatus } from '../store/referrals.js';

const MAX_ATTEMPTS = 6;

export class IdempotencyKeyReusedError extends Error {
  override name = 'IdempotencyKeyReusedError';
}

/** JSON with keys sorted at every level, so that two equal requests hash equally. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function requestHash(request: ReferralRequest): string {
  return createHash('sha256').update(canonicalJson(request)).digest('base64url');
}

function newReferral(request: ReferralRequest, caller: Caller): Referral {
  const received = now();
  const receivedAt = received.toISOString();
  return {
    ...request,
    id: newReferralId(),
    status: 'received',
    clientId: caller.clientId,
    receivedAt,
    triageDueAt: hoursAfter(received, config().TRIAGE_SLA_HOURS),
    updatedAt: receivedAt,
    version: 1,
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function acceptReferral(
  request: ReferralRequest,
  caller: Caller,
  idempotencyKey?: string,
): Promise<{ referral: Referral; replayed: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const referral = newReferral(request, caller);
    const claim =
      idempotencyKey === undefined
        ? undefined
        : {
            key: idempotencyKey,
            requestHash: requestHash(request),
            expiresAt: Math.floor(Date.parse(referral.receivedAt) / 1000 + config().IDEMPOTENCY_TTL_HOURS * 3600),
          };
    try {
      await createReferral(
        referral,
        { type: 'received', at: referral.receivedAt, actor: `client:${caller.clientId}`, detail: { source: referral.source } },
        claim,
      );
      await adapters().workflow.startReferralWorkflow({ referralId: referral.id });
      metrics().addMetric('ReferralReceived', 'Count', 1);
      metrics().publishStoredMetrics();
      return { referral, replayed: false };
    } catch (error) {
      if (error instanceof IdempotencyConflictError) {
        if (!error.sameRequest) throw new IdempotencyKeyReusedError('this Idempotency-Key was already used with a different request');
        const existing = error.existingReferralId && (await getReferral(error.existingReferralId));
        if (existing) {
          await adapters().workflow.startReferralWorkflow({ referralId: existing.id });
          return { referral: existing, replayed: true };
        }
      }
      // Concurrent requests with one key collide in DynamoDB (TransactionConflict) before either
      // claim is visible: back off with jitter and look again.
      const retryable = error instanceof ConcurrentChangeError || error instanceof IdempotencyConflictError;
      if (!retryable || attempt >= MAX_ATTEMPTS) throw error;
      await pause(Math.random() * 25 * 2 ** attempt);
    }
  }
}

/** How long a referral may sit as `received` before its workflow is presumed never started. */
export const STALLED_AFTER_MINUTES = 5;

/**
 * Starts the workflow of every referral stored but still `received` after a few minutes: the
 * store succeeded and StartExecution did not, and the client never retried with its key. Starting
 * is idempotent (the execution is named after the referral), so one already running is untouched.
 * Run on a schedule, so that no accepted referral waits unseen.
 */
export async function startStalledWorkflows(): Promise<{ started: number }> {
  const before = new Date(now().getTime() - STALLED_AFTER_MINUTES * 60_000).toISOString();
  let started = 0;
  for await (const page of referralsInStatus('received', { before })) {
    for (const { id } of page) {
      const { alreadyStarted } = await adapters().workflow.startReferralWorkflow({ referralId: id });
      if (!alreadyStarted) started++;
    }
  }
  return { started };
}
