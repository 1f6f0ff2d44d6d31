/**
 * POST /fhir/$process-message: a FHIR R4 referral message (BaRS-shaped), read as the same referral
 * POST /referrals takes and accepted by the same intake, idempotent on the message id (Bundle.id).
 */
import { referrerOf } from '../../shared/http/api.js';
import { messageIdempotencyKey, referralFromMessage } from '../../shared/http/fhir/message.js';
import { FhirError, fhirHandler, fhirJson, parseFhirBody } from '../../shared/http/fhir/outcome.js';
import { responseMessage } from '../../shared/http/fhir/resources.js';
import { acceptReferral, IdempotencyKeyReusedError } from '../../shared/services/intake.js';

export const handler = fhirHandler(async (event) => {
  const caller = referrerOf(event);
  const { messageId, header, request } = referralFromMessage(parseFhirBody(event));
  try {
    const { referral, replayed } = await acceptReferral(request, caller, messageIdempotencyKey(messageId));
    return fhirJson(200, responseMessage(referral, header), replayed ? { 'Idempotent-Replayed': 'true' } : {});
  } catch (error) {
    if (error instanceof IdempotencyKeyReusedError) {
      const message = 'this message id was already used for a different referral; a new message needs a new Bundle.id';
      throw new FhirError(422, [{ code: 'duplicate', expression: 'Bundle.id', message }]);
    }
    throw error;
  }
});
