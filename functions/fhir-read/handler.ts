/**
 * GET /fhir/ServiceRequest/{id} and GET /fhir/Task?focus=ServiceRequest/{id}: a referral and its
 * status as FHIR, for the referrer that sent it only (anyone else: not found, or no match).
 */
import { referrerOf } from '../../shared/http/api.js';
import { FhirError, fhirHandler, fhirJson } from '../../shared/http/fhir/outcome.js';
import { searchSet, serviceRequestOf, taskOf } from '../../shared/http/fhir/resources.js';
import { isReferralId } from '../../shared/ids.js';
import { getReferral } from '../../shared/store/referrals.js';

async function referralFor(id: string, clientId: string) {
  const referral = isReferralId(id) ? await getReferral(id) : undefined;
  // Someone else's referral is "not found": its existence is not theirs to learn.
  return referral?.clientId === clientId ? referral : undefined;
}

export const handler = fhirHandler(async (event) => {
  const caller = referrerOf(event);
  if (event.resource === '/fhir/Task') {
    const focus = event.queryStringParameters?.focus ?? '';
    const id = /^ServiceRequest\/([^/]+)$/.exec(focus)?.[1];
    if (!id) {
      const message = 'search by focus=ServiceRequest/<id> (the id the referral message answered with)';
      throw new FhirError(400, [{ code: 'invalid', expression: 'Task.focus', message }]);
    }
    const referral = await referralFor(id, caller.clientId);
    return fhirJson(200, searchSet(referral ? [taskOf(referral)] : []));
  }
  const referral = await referralFor(event.pathParameters?.id ?? '', caller.clientId);
  if (!referral) throw new FhirError(404, [{ code: 'not-found', message: 'no such ServiceRequest' }]);
  return fhirJson(200, serviceRequestOf(referral));
});
