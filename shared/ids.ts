import { isValid, monotonicFactory } from 'ulid';

const ulid = monotonicFactory();

/** Referral ids are ULIDs: 80 random bits (unguessable) behind a millisecond timestamp (sortable). */
export function newReferralId(): string {
  return ulid();
}

export function isReferralId(value: string): boolean {
  return value.length === 26 && isValid(value);
}
