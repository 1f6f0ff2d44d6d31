/** Recording and reading who saw which patient's details (see store/access-log.ts). */
import { nowIso } from '../clock.js';
import type { StaffUser } from '../domain/staff.js';
import { type Access, accessesByUser, accessesToReferral, recordAccesses } from '../store/access-log.js';

/** Records that `user` was shown these referrals' patient details, on `what` page, for `reason`. */
export async function recordViews(user: StaffUser, referralIds: string[], what: string, reason?: string): Promise<void> {
  const at = nowIso();
  await recordAccesses(referralIds.map((referralId) => ({ referralId, userId: user.id, userName: user.name, at, what, reason })));
}

export { type Access, accessesByUser, accessesToReferral };
