/** Every answer over HTTPS carries Strict-Transport-Security: API answers, pages and errors alike. */
import { afterEach, describe, expect, it } from 'vitest';

import { handler as createReferral } from '../../functions/create-referral/handler.js';
import { handler as publicPages } from '../../functions/public-pages/handler.js';
import { resetConfig } from '../../shared/config.js';
import { apiEvent, context } from '../support/api-event.js';

const HSTS = 'max-age=31536000; includeSubDomains';
const usingBaseUrl = (url: string) => {
  Object.assign(process.env, { PUBLIC_BASE_URL: url, TABLE_NAME: 't', STATE_MACHINE_ARN: 'arn:aws:states:eu-west-2:1:stateMachine:r' });
  resetConfig();
};
afterEach(() => {
  delete process.env.PUBLIC_BASE_URL;
  resetConfig();
});

describe('Strict-Transport-Security', () => {
  const answers = async () => [
    // A refused API request (no body), a page, and a page that is not there.
    await createReferral(apiEvent({ headers: {} }), context()),
    await publicPages(apiEvent({ method: 'GET', path: '/self-care', headers: {} }), context()),
    await publicPages(
      apiEvent({ method: 'GET', path: '/assets/nothing.css', resource: '/assets/{file}', pathParameters: { file: 'x' } }),
      context(),
    ),
  ];

  it('is on every answer when the service is on HTTPS', async () => {
    usingBaseUrl('https://msk.example.nhs.uk');
    const all = await answers();
    expect(all.map((a) => a.statusCode)).toEqual([415, 200, 404]);
    for (const answer of all) expect(answer.headers?.['Strict-Transport-Security']).toBe(HSTS);
  });

  it('is not sent by the local service on plain HTTP', async () => {
    usingBaseUrl('http://localhost:3000');
    for (const answer of await answers()) expect(answer.headers?.['Strict-Transport-Security']).toBeUndefined();
  });
});
