/**
 * The waiting list as of an instant: the referrals that may have been waiting then, read from the
 * store, with the rules in domain/waiting-list.ts deciding who was.
 *
 * Which referrals: every one received by then may have been waiting, whatever its status now,
 * since a referral closed since may have been waiting at the time. What it costs:
 * - one byStatus index query per status (ids only, received up to the instant);
 * - every open referral's timeline (open: not in a closed status; a stopped journey is open): the
 *   list itself and those waiting for a step, the same reads a queue makes;
 * - for an instant before now, the referral item of every closed referral received by then
 *   (BatchGet, 100 a request), and the timelines of only those changed after the instant (a
 *   referral's `updatedAt` is at least its closing time, so one unchanged since cannot have closed
 *   after). A list as of now reads no closed referral at all.
 * A weekly snapshot of a recent week thus reads the open referrals' timelines, and one small item
 * per closed referral; a date years back reads only what had arrived by then.
 */
import { now } from '../clock.js';
import type { Referral } from '../domain/referral.js';
import type { StaffRole } from '../domain/staff.js';
import { CLOSED_STATUSES, REFERRAL_STATUSES, type ReferralStatus } from '../domain/vocabulary.js';
import { summarise, type Waiter, waitersAsOf, type WaitingListSummary } from '../domain/waiting-list.js';
import { getReferrals, getReferralsWithTimelines, referralsInStatus } from '../store/referrals.js';

/** Who works the waiting list in the workspace (the service lead sees it too): the booking team phones the longest waiters. */
export const WAITING_LIST_ROLES: readonly StaffRole[] = ['booking-team'];

const CLOSED = new Set<ReferralStatus>(CLOSED_STATUSES);

async function idsIn(statuses: readonly ReferralStatus[], receivedBefore: string): Promise<string[]> {
  const ids: string[] = [];
  for (const status of statuses)
    for await (const page of referralsInStatus(status, { before: receivedBefore })) ids.push(...page.map((r) => r.id));
  return ids;
}

export interface WaitingList {
  summary: WaitingListSummary;
  /** Everyone waiting, longest first, with their referral as it is now. */
  waiters: (Waiter & { referral: Referral })[];
}

/**
 * Who was waiting as of `at` (an instant before now), or now when it is left out, and the counts by
 * service and band. Now reads only the open referrals: one that closes while the list is read is
 * left out, as a list read a moment later would.
 */
export async function waitingListAsOf(at?: Date): Promise<WaitingList> {
  const asOf = at ?? now();
  // The index's sort key is `<receivedAt>#<id>`: a millisecond later takes in one received exactly at `asOf`.
  const receivedBefore = new Date(asOf.getTime() + 1).toISOString();
  const ids = new Set(
    await idsIn(
      REFERRAL_STATUSES.filter((s) => !CLOSED.has(s)),
      receivedBefore,
    ),
  );
  if (at && at.getTime() < now().getTime()) {
    const closed = await getReferrals(
      await idsIn(
        REFERRAL_STATUSES.filter((s) => CLOSED.has(s)),
        receivedBefore,
      ),
    );
    for (const r of closed) if (r.updatedAt > asOf.toISOString()) ids.add(r.id);
  }
  // A referral that changes status while the index is read may be listed twice (ids is a set): read once.
  const records = await getReferralsWithTimelines([...ids]);
  const byId = new Map(records.map((r) => [r.referral.id, r.referral]));
  const waiters = waitersAsOf(records, asOf);
  return { summary: summarise(waiters, asOf), waiters: waiters.map((w) => ({ ...w, referral: byId.get(w.referralId)! })) };
}
