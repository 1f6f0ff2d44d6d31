/**
 * The store's own errors: what a failed DynamoDB write means to the service that asked for it.
 * Nothing above the store knows DynamoDB's error names; services catch only these.
 */

/** Someone else changed the referral (or a step record written with it) first: read again and retry. */
export class ConcurrentChangeError extends Error {
  override name = 'ConcurrentChangeError';
}

/** The appointment slot was taken by someone else first. */
export class SlotTakenError extends Error {
  override name = 'SlotTaken';
  constructor(readonly slotId: string) {
    super(`slot ${slotId} is taken`);
  }
}

/** DynamoDB is throttling this table beyond the SDK's own retries: nothing was written; retry later. */
export class BusyError extends Error {
  override name = 'Busy';
}

/**
 * DynamoDB could not be reached (connection refused or reset, a timeout, a network error) or said
 * it could not serve (500, 503), after the SDK's own retries. Unlike BusyError, a write may have
 * landed before the answer was lost: retry later, as a retry of the same request.
 */
export class UnavailableError extends Error {
  override name = 'Unavailable';
}

/** An Idempotency-Key already claimed, by the same request (a retry) or a different one (a client bug). */
export class IdempotencyConflictError extends Error {
  override name = 'IdempotencyConflictError';
  constructor(
    readonly existingReferralId: string | undefined,
    readonly sameRequest: boolean,
  ) {
    super(sameRequest ? 'request already accepted' : 'Idempotency-Key was used with a different request');
  }
}

/** The workflow asked about a referral the table does not hold (a bug, or removed by hand): not retried. */
export class ReferralNotFoundError extends Error {
  override name = 'ReferralNotFound';
}

/** Someone else is working on this referral (a live claim). */
export class ClaimedError extends Error {
  override name = 'Claimed';
  constructor(
    readonly byName: string,
    readonly until: string,
  ) {
    super(`claimed by someone else until ${until}`);
  }
}
