/** When the workspace offers to retry a stopped journey, and when it says why not. */
import { beforeAll, describe, expect, it } from 'vitest';

import { resetConfig } from '../../shared/config.js';
import type { Referral } from '../../shared/domain/referral.js';
import { retryRefusal } from '../../shared/services/workspace.js';

beforeAll(() => {
  process.env.TABLE_NAME ??= 'unit';
  resetConfig();
});

const stopped = (over: Partial<Referral> = {}) =>
  ({
    id: 'R',
    status: 'workflow_failed',
    receivedAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    stoppedFrom: 'awaiting_triage',
    stoppedAt: new Date().toISOString(),
    stopError: 'InjectedFault',
    stopAlerted: true,
    ...over,
  }) as Referral;

describe('retrying a stopped journey', () => {
  it('is offered once the failed execution has told the service lead', () => {
    expect(retryRefusal(stopped())).toBeUndefined();
  });

  it('waits while the failure is still being recorded (a retry would race the failed execution), for at most 15 minutes', () => {
    expect(retryRefusal(stopped({ stopAlerted: undefined }))).toMatch(/still being recorded/);
    const longAgo = new Date(Date.now() - 16 * 60_000).toISOString();
    expect(retryRefusal(stopped({ stopAlerted: undefined, stoppedAt: longAgo }))).toBeUndefined();
  });

  it('is not offered when nobody acted for too long (it would stop again at the next timer), nor where there is no step to go back to', () => {
    expect(retryRefusal(stopped({ stopError: 'StoppedWaiting' }))).toMatch(/nobody acted/);
    expect(retryRefusal(stopped({ stoppedFrom: 'returned_to_referrer' }))).toMatch(/cannot be started again/);
    expect(retryRefusal(stopped({ stoppedFrom: undefined }))).toMatch(/cannot be started again/);
    expect(retryRefusal(stopped({ status: 'awaiting_triage' }))).toMatch(/not stopped/);
  });
});
