/** GET /referrals/{id}: status and timeline, for the referrer that sent it (404 for anyone else). */
import { apiHandler, HttpError, json, referrerOf } from '../../shared/http/api.js';
import { referralStatusView } from '../../shared/http/views.js';
import { isReferralId } from '../../shared/ids.js';
import { getReferralWithTimeline } from '../../shared/store/referrals.js';

export const handler = apiHandler(async (event) => {
  const caller = referrerOf(event);
  const id = event.pathParameters?.id ?? '';
  const found = isReferralId(id) ? await getReferralWithTimeline(id) : undefined;
  // Someone else's referral is "not found": its existence is not theirs to learn.
  if (!found || found.referral.clientId !== caller.clientId) throw new HttpError(404, 'not_found', 'no such referral');
  return json(200, referralStatusView(found.referral, found.timeline));
});
