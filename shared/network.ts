/**
 * A request that failed on the way to an AWS service, rather than being answered: the same for
 * DynamoDB (the store's UnavailableError) and for Step Functions, SNS or SES behind an API
 * answer (503, retry later, not a 500 a client may take as final).
 */

/** Node's words for a connection that failed, was refused, reset or timed out; and the SDK's for its own timeouts. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Did this request fail on the way, rather than being answered? Looks through wrapped causes. */
export function isNetworkFailure(error: unknown, depth = 0): boolean {
  const err = error as { name?: string; code?: string; cause?: unknown } | undefined;
  if (!err || depth > 5) return false;
  return err.name === 'TimeoutError' || NETWORK_CODES.has(err.code ?? '') || isNetworkFailure(err.cause, depth + 1);
}
