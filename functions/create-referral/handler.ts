/** POST /referrals: validate, store, start the workflow, acknowledge at once. */
import { referralRequestSchema } from '../../shared/domain/referral.js';
import { apiHandler, header, HttpError, json, parseJsonBody, referrerOf } from '../../shared/http/api.js';
import { referralReceipt } from '../../shared/http/views.js';
import { acceptReferral, IdempotencyKeyReusedError } from '../../shared/services/intake.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export const handler = apiHandler(async (event) => {
  const caller = referrerOf(event);
  const request = parseJsonBody(event, referralRequestSchema);
  const idempotencyKey = header(event, 'idempotency-key');
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw new HttpError(400, 'validation_failed', 'the request has invalid fields', [
      { path: 'headers.Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' },
    ]);
  }
  try {
    const { referral, replayed } = await acceptReferral(request, caller, idempotencyKey);
    const location = `${event.requestContext.path.replace(/\/+$/, '')}/${referral.id}`;
    return json(201, referralReceipt(referral, location), {
      Location: location,
      ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}),
    });
  } catch (error) {
    if (error instanceof IdempotencyKeyReusedError) throw new HttpError(422, 'idempotency_key_reused', error.message);
    throw error;
  }
});
