/**
 * The staff workspace's queues: every referral waiting for a person, by the step it waits at, read
 * from the byStatus index a page at a time (never a table scan) and fetched in batches of 100.
 * Claims show who is working on what; a claim lapses after CLAIM_MINUTES.
 */
import { now, nowIso } from '../clock.js';
import { config } from '../config.js';
import type { Referral } from '../domain/referral.js';
import { hasRole, type StaffRole, type StaffUser } from '../domain/staff.js';
import { MINUTE_MS } from '../domain/time.js';
import { FAILED_STATUSES, type ReferralStatus, type StepKind } from '../domain/vocabulary.js';
import { adapters } from '../ports/index.js';
import { type Claim, claimReferral, claimsOn, releaseClaim } from '../store/claims.js';
import { ClaimedError } from '../store/errors.js';
import { changeReferral, getReferral, getReferrals, referralPage } from '../store/referrals.js';
import { retryEntry, STOPPED_WAITING } from './steps/index.js';

export interface Queue {
  title: string;
  /** What people on this queue do. */
  summary: string;
  status: ReferralStatus;
  /** Who works it (the service lead sees every queue). */
  roles: readonly StaffRole[];
  /** The step a row's link opens, if the queue's work is a step's decision. */
  step?: StepKind;
  /** Whether rows show the patient's name and telephone (the booking team phones them). */
  showsPatient?: boolean;
  /** Orders a page of rows (default: oldest first, as the index gives them). */
  order?: (a: Referral, b: Referral) => number;
}

/** Breached first, then by time left. */
const byTriageDeadline = (a: Referral, b: Referral) => a.triageDueAt.localeCompare(b.triageDueAt);

/** Overdue first, then by time left (every call's clock is the same length, so oldest first too). */
const byCallDeadline = (a: Referral, b: Referral) => (a.call?.dueAt ?? '').localeCompare(b.call?.dueAt ?? '');

export const QUEUES = {
  calls: {
    title: 'Call list',
    summary: 'Patients to phone for their first contact call, overdue first, then by time left.',
    status: 'awaiting_call',
    roles: ['triage-clinician'],
    step: 'call',
    showsPatient: true,
    order: byCallDeadline,
  },
  triage: {
    title: 'Triage',
    summary: 'Referrals waiting for a triage decision, overdue first, then by time left.',
    status: 'awaiting_triage',
    roles: ['triage-clinician'],
    step: 'triage',
    order: byTriageDeadline,
  },
  'senior-review': {
    title: 'Senior review',
    summary: 'Referrals triage proposes for secondary care, waiting for a senior clinician.',
    status: 'awaiting_senior_review',
    roles: ['senior-clinician'],
    step: 'senior-review',
  },
  information: {
    title: 'Waiting for information',
    summary: 'Referrals whose referrer was asked a question; they return to triage when it is answered.',
    status: 'information_requested',
    roles: ['triage-clinician'],
  },
  booking: {
    title: 'Booking worklist',
    summary: 'Patients to phone and book: no mobile, opted out of texts, no free slot in their window, or chasers used up.',
    status: 'booking_worklist',
    roles: ['booking-team'],
    step: 'booking',
    showsPatient: true,
  },
  outcomes: {
    title: 'Outcomes due',
    summary: 'Appointments that have happened, waiting for the clinic to record the outcome.',
    status: 'booked',
    roles: ['clinic-staff'],
    step: 'outcome',
  },
  'needs-action': {
    title: 'Needs action',
    summary: 'Referrals whose journey stopped: a message that would not go, or a step that kept failing.',
    status: 'workflow_failed',
    roles: ['service-lead'],
  },
  'message-failed': {
    title: 'Messages that failed',
    summary: 'Referrals stopped because a text or email would not go.',
    status: 'notification_failed',
    roles: ['service-lead'],
  },
} as const satisfies Record<string, Queue>;
export type QueueName = keyof typeof QUEUES;

export const PAGE_SIZE = 100;

export interface QueueRow {
  referral: Referral;
  claim?: Claim;
}

/**
 * One page of a queue. The outcomes queue is the booked referrals whose outcome step is open (the
 * others are still waiting for their appointment).
 */
export async function queuePage(name: QueueName, after?: string): Promise<{ rows: QueueRow[]; next?: string }> {
  const queue: Queue = QUEUES[name];
  const { ids, next } = await referralPage(queue.status, { limit: PAGE_SIZE, after });
  let referrals = await getReferrals(ids);
  if (queue.step === 'outcome') referrals = referrals.filter(outcomeDue);
  if (queue.order) referrals = [...referrals].sort(queue.order);
  const claims = queue.step
    ? await claimsOn(
        referrals.map((r) => r.id),
        nowIso(),
      )
    : new Map<string, Claim>();
  return { rows: referrals.map((referral) => ({ referral, claim: claims.get(referral.id) })), next };
}

/** A booked referral whose appointment is over: its outcome step is open. */
const outcomeDue = (r: Referral) => r.openTask?.kind === 'outcome';

/**
 * How many wait in a queue, and since when the oldest has: one index read per 1 MB, and no item
 * reads, except for outcomes due, which are the booked referrals whose outcome step is open (read
 * in batches of 100: the index does not hold which step is open).
 */
export async function queueSize(name: QueueName): Promise<{ count: number; oldest?: string }> {
  const queue: Queue = QUEUES[name];
  let count = 0;
  let oldest: string | undefined;
  let after: string | undefined;
  do {
    const page = await referralPage(queue.status, { limit: 1000, after });
    if (queue.step === 'outcome') {
      const due = (await getReferrals(page.ids)).filter(outcomeDue);
      count += due.length;
      oldest ??= due[0]?.receivedAt;
    } else {
      count += page.ids.length;
      oldest ??= page.oldest;
    }
    after = page.next;
  } while (after);
  return { count, oldest };
}

export type ClaimResult =
  | { state: 'claimed'; until: string }
  | { state: 'released' }
  | { state: 'taken'; byName: string; until: string }
  | { state: 'forbidden'; roles: readonly StaffRole[] };

/** Claims a referral for `user` for CLAIM_MINUTES (again: extends), or lets it go. */
export async function claim(referralId: string, user: StaffUser, action: 'claim' | 'release'): Promise<ClaimResult | undefined> {
  const referral = await getReferral(referralId);
  if (!referral) return undefined;
  // Only someone who works the queue the referral is in may claim it.
  const queue: Queue | undefined = Object.values(QUEUES).find((q) => q.status === referral.status);
  if (!queue || !hasRole(user, ...queue.roles)) return { state: 'forbidden', roles: queue?.roles ?? ['service-lead'] };
  if (action === 'release') {
    await releaseClaim(referralId, user.id);
    return { state: 'released' };
  }
  const until = new Date(now().getTime() + config().CLAIM_MINUTES * MINUTE_MS).toISOString();
  try {
    await claimReferral({ referralId, userId: user.id, userName: user.name, until }, nowIso());
    return { state: 'claimed', until };
  } catch (error) {
    if (error instanceof ClaimedError) return { state: 'taken', byName: error.byName, until: error.until };
    throw error;
  }
}

export class NotStoppedError extends Error {
  override name = 'NotStopped';
}

/**
 * The service lead closes a journey that stopped (a failed message or step), having dealt with it
 * by hand: the referral is closed with their reason on its timeline.
 */
export async function closeStopped(referralId: string, user: StaffUser, reason: string): Promise<Referral | undefined> {
  const referral = await getReferral(referralId);
  if (!referral) return undefined;
  if (!(FAILED_STATUSES as readonly string[]).includes(referral.status)) throw new NotStoppedError(referral.status);
  return changeReferral(referral, {
    status: 'closed_by_service',
    set: { openTask: undefined },
    event: { type: 'closed_by_service', at: nowIso(), actor: `staff:${user.id}`, detail: { from: referral.status, closedBy: user.name } },
    note: { reason },
  });
}

/**
 * The failed execution's last step (recording the failure and telling the service lead) retries
 * for at most about 13 minutes (6 attempts up to 2 minutes apart, 30 s each); past this, it is over
 * even if it could not tell anyone.
 */
const FAILURE_RECORDED_WITHIN_MS = 15 * MINUTE_MS;

/**
 * Whether a stopped journey can be retried from the workspace: it knows where it stopped, that
 * place can be re-entered, the failed execution is done with it (or a retry would race its last
 * step), and it did not stop because nobody acted for WORKFLOW_GIVE_UP_DAYS (a retry would stop
 * again at the next timer: a person finishes it instead).
 */
export function retryRefusal(referral: Referral): string | undefined {
  if (!(FAILED_STATUSES as readonly string[]).includes(referral.status)) return 'it is not stopped';
  if (referral.stopError === STOPPED_WAITING) return 'nobody acted on it for too long: finish it by hand and close it';
  if (!referral.stoppedFrom || !retryEntry(referral, referral.stoppedFrom))
    return 'it stopped where it cannot be started again: finish it by hand and close it';
  const settled =
    referral.stopAlerted === true || now().getTime() - Date.parse(referral.stoppedAt ?? referral.updatedAt) > FAILURE_RECORDED_WITHIN_MS;
  if (!settled) return 'its failure is still being recorded: try again in a few minutes';
  return undefined;
}

export const mayRetry = (referral: Referral): boolean => retryRefusal(referral) === undefined;

/**
 * The service lead retries a journey that stopped, once the cause is dealt with (a text service
 * back, a setting fixed): the referral goes back to the status it stopped in, and a new execution
 * re-enters the workflow there. If the workflow cannot be started, the referral is put back as it
 * was (still stopped, still on the list), so that nothing waits on a workflow that is not running.
 */
export async function retryStopped(
  referralId: string,
  user: StaffUser,
): Promise<{ state: 'retried'; referral: Referral } | { state: 'cannot-retry'; referral: Referral; why: string } | undefined> {
  const referral = await getReferral(referralId);
  if (!referral) return undefined;
  if (!(FAILED_STATUSES as readonly string[]).includes(referral.status)) throw new NotStoppedError(referral.status);
  const from = referral.stoppedFrom;
  const refusal = retryRefusal(referral);
  const entry = !refusal && from && retryEntry(referral, from);
  if (!from || !entry) return { state: 'cannot-retry', referral, why: refusal ?? '' };
  const attempt = (referral.retries ?? 0) + 1;
  const at = nowIso();
  const retried = await changeReferral(referral, {
    status: from,
    set: { stoppedFrom: undefined, stoppedAt: undefined, stopError: undefined, stopAlerted: undefined, retries: attempt },
    event: {
      type: 'workflow_retried',
      at,
      actor: `staff:${user.id}`,
      detail: { from: referral.status, to: from, at: entry.state, retriedBy: user.name },
    },
  });
  try {
    await adapters().workflow.retryReferralWorkflow({ referralId, resumeAt: entry.state, attempt, ...entry.input });
  } catch (error) {
    const stopped = referral.status as (typeof FAILED_STATUSES)[number];
    await changeReferral(retried, {
      status: stopped,
      set: { stoppedFrom: from, stoppedAt: referral.stoppedAt, stopError: referral.stopError, stopAlerted: referral.stopAlerted },
      event: { type: stopped, at: nowIso(), actor: 'system:workflow', detail: { error: (error as Error).name, stoppedFrom: from } },
    });
    throw error;
  }
  return { state: 'retried', referral: retried };
}
