/** What page handlers share: the error boundary as an HTML page, and form bodies. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

import { config } from '../config.js';
import { logger } from '../logger.js';
import { isNetworkFailure } from '../network.js';
import { UnavailableError } from '../store/errors.js';
import {
  type ApiHandler,
  bodyBytes,
  header,
  HttpError,
  httpHandler,
  isTransientAwsError,
  RETRY_AFTER_SECONDS,
  safeErrorDetails,
} from './api.js';
import { messagePage } from './html.js';

function pageError(error: unknown): APIGatewayProxyResult {
  if (error instanceof HttpError) return messagePage(error.statusCode, 'Sorry, we could not do that', error.message);
  if (isTransientAwsError(error)) {
    // Busy: refused before anything was written. Unavailable: the answer may have been lost after a write.
    const unavailable = error instanceof UnavailableError || isNetworkFailure(error);
    logger.warn(unavailable ? 'dependency unavailable' : 'dependency busy', safeErrorDetails(error));
    const busy = unavailable
      ? messagePage(
          503,
          'Sorry, the service is not available just now',
          'Please try again in a minute. If you were sending something, open the page again to see whether it was saved.',
        )
      : messagePage(503, 'Sorry, the service is busy', 'Nothing was changed. Please try again in a minute.');
    return { ...busy, headers: { ...busy.headers, 'Retry-After': String(RETRY_AFTER_SECONDS) } };
  }
  logger.error('unhandled error', safeErrorDetails(error));
  return messagePage(
    500,
    'Sorry, there is a problem with the service',
    'Nothing was changed. Try again later; if it keeps happening, tell the service desk.',
  );
}

export function pageHandler(fn: ApiHandler) {
  return httpHandler(fn, pageError);
}

/** A urlencoded form body, every field (a repeated one, such as ticked checkboxes, many times). */
export function formFields(event: APIGatewayProxyEvent): URLSearchParams {
  const type = header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new HttpError(415, 'unsupported_media_type', 'Send the form from the page.');
  return new URLSearchParams(bodyBytes(event).toString('utf8'));
}

/** A urlencoded form body as a map (the last value wins for a repeated field). */
export function formBody(event: APIGatewayProxyEvent): Record<string, string> {
  return Object.fromEntries(formFields(event));
}

/** A browser's own word that the request came from another site, or an Origin that is not ours. */
export function crossSite(event: APIGatewayProxyEvent): boolean {
  if (header(event, 'sec-fetch-site') === 'cross-site') return true;
  const origin = header(event, 'origin');
  return origin !== undefined && origin !== 'null' && origin !== new URL(config().PUBLIC_BASE_URL).origin;
}

export const crossSitePage = () =>
  messagePage(
    403,
    'This form cannot be sent',
    'It did not come from a page of this service. Nothing was changed: open the page and try again.',
  );

/** The refusal of a form posted from another site (for forms that need no session), else undefined. */
export function crossSiteRefusal(event: APIGatewayProxyEvent): APIGatewayProxyResult | undefined {
  return crossSite(event) ? crossSitePage() : undefined;
}
