/** A dependency that cannot be reached (Step Functions, SNS, SES) answers 503 with Retry-After, never a 500. */
import { describe, expect, it } from 'vitest';

import { apiHandler } from '../../shared/http/api.js';
import { pageHandler } from '../../shared/http/pages.js';
import { apiEvent, context } from '../support/api-event.js';

process.env.TABLE_NAME ??= 'unit';

// As the SDK raises them: a refused connection wrapped in its own error, and its own timeout.
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { name: 'Error', cause: { code: 'ECONNREFUSED' } });
const timedOut = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });

describe('an unreachable dependency outside the store', () => {
  it.each([refused, timedOut])('answers an API request 503 with Retry-After (%s)', async (error) => {
    const answer = await apiHandler(async () => Promise.reject(error))(apiEvent({}), context());
    expect(answer.statusCode).toBe(503);
    expect(answer.headers?.['Retry-After']).toBe('5');
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'service_unavailable' });
  });

  it('answers a page 503 too, saying to try again', async () => {
    const answer = await pageHandler(async () => Promise.reject(refused))(apiEvent({ method: 'GET' }), context());
    expect(answer.statusCode).toBe(503);
    expect(answer.headers?.['Retry-After']).toBe('5');
    // It may have been done before the answer was lost: the page does not say nothing changed.
    expect(answer.body).not.toContain('Nothing was changed');
  });

  it('still answers a real bug 500', async () => {
    expect((await apiHandler(async () => Promise.reject(new TypeError('x is undefined')))(apiEvent({}), context())).statusCode).toBe(500);
  });
});
