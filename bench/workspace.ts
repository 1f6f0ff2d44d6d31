/**
 * The staff workspace under a full day: 500 referrals waiting for triage (stored directly, as
 * intake would leave them), then the triage queue and the home page asked for as a clinician's
 * browser asks, over HTTP. Time to the last byte, and the DynamoDB requests and read units each
 * page costs (DynamoDB Local reports consumed capacity as the real service does).
 */
import { performance } from 'node:perf_hooks';

import { LOCAL_STAFF } from '../local/staff-identity.js';
import { nowIso } from '../shared/clock.js';
import type { Referral } from '../shared/domain/referral.js';
import { hoursAfter } from '../shared/domain/time.js';
import { newReferralId } from '../shared/ids.js';
import { documentClient } from '../shared/store/dynamo.js';
import { createReferral } from '../shared/store/referrals.js';
import { validReferral } from '../test/support/fixtures.js';
import { startLocalService } from '../test/support/local-service.js';

export interface WorkspaceRow {
  what: string;
  ms: number;
  requests: number;
  readUnits: number;
  rows: number;
}

const WAITING = 500;

export async function benchWorkspace(): Promise<WorkspaceRow[]> {
  const svc = await startLocalService();
  try {
    const meter = { requests: 0, read: 0 };
    documentClient().middlewareStack.add(
      (next) => async (args) => {
        (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
        const result = await next(args);
        meter.requests++;
        const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
        const units = (c: unknown) => (c as { CapacityUnits?: number } | undefined)?.CapacityUnits ?? 0;
        meter.read += [consumed].flat().reduce<number>((n, c) => n + units(c), 0);
        return result;
      },
      { step: 'initialize', name: 'benchWorkspaceMeter' },
    );
    const body = validReferral();
    for (let i = 0; i < WAITING; i++) {
      const receivedAt = new Date(Date.now() - (WAITING - i) * 60_000).toISOString();
      const referral = {
        ...body,
        id: newReferralId(),
        status: 'awaiting_triage',
        clientId: 'bench',
        receivedAt,
        triageDueAt: hoursAfter(receivedAt, 24),
        updatedAt: receivedAt,
        version: 1,
        screening: { priority: i % 7 ? 'routine' : 'urgent', service: 'physiotherapy', reasons: [] },
        openTask: { kind: 'triage', taskId: `bench-task-${i}` },
      } as unknown as Referral;
      await createReferral(referral, { type: 'received', at: nowIso(), actor: 'client:bench' });
    }
    const cookie = svc.sessionCookie(LOCAL_STAFF.find((u) => u.id === 'local-triage')!);
    const measure = async (what: string, path: string, pages = 1): Promise<WorkspaceRow> => {
      const before = { ...meter };
      const started = performance.now();
      let next: string | undefined = path;
      let rows = 0;
      for (let page = 0; page < pages && next; page++) {
        const html = await (await fetch(`${svc.url}${next}`, { headers: { Cookie: cookie } })).text();
        rows += (html.match(/<tr class="nhsuk-table__row">/g) ?? []).length;
        next = /href="(\/staff\/triage\?after=[^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');
      }
      const ms = Math.round(performance.now() - started);
      return { what, ms, requests: meter.requests - before.requests, readUnits: Math.round((meter.read - before.read) * 10) / 10, rows };
    };
    // Warm the handlers first (module load), as a container would be after its first request.
    await measure('warm-up', '/staff/triage');
    return [
      await measure('home page: every queue counted', '/staff'),
      await measure('triage queue, first page (100)', '/staff/triage'),
      await measure(`triage queue, all ${WAITING} (5 pages)`, '/staff/triage', 5),
    ];
  } finally {
    await svc.stop();
  }
}
