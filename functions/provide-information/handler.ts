/** POST /referrals/{id}/information: the referrer answers the triage team's question. */
import { informationRequestSchema } from '../../shared/domain/referral.js';
import { apiHandler, HttpError, json, parseJsonBody, referrerOf } from '../../shared/http/api.js';
import { referralStatusView } from '../../shared/http/views.js';
import { isReferralId } from '../../shared/ids.js';
import { NotWaitingForInformationError, provideInformation } from '../../shared/services/steps/information.js';
import { getReferralWithTimeline } from '../../shared/store/referrals.js';

export const handler = apiHandler(async (event) => {
  const caller = referrerOf(event);
  const { information } = parseJsonBody(event, informationRequestSchema);
  const id = event.pathParameters?.id ?? '';
  try {
    const updated = isReferralId(id) ? await provideInformation(id, caller, information) : undefined;
    if (!updated) throw new HttpError(404, 'not_found', 'no such referral');
    const found = await getReferralWithTimeline(id);
    return json(202, referralStatusView(found!.referral, found!.timeline));
  } catch (error) {
    if (error instanceof NotWaitingForInformationError) throw new HttpError(409, 'not_waiting_for_information', error.message);
    throw error;
  }
});
