/** The workflow with its real handlers over DynamoDB Local, without the HTTP server. */
import { Outbox, type OutboxMessage, outboxNotifier } from '../../local/outbox.js';
import { LocalWorkflow } from '../../local/workflow-runner.js';
import { referralRequestSchema } from '../../shared/domain/referral.js';
import { installAdapters } from '../../shared/ports/index.js';
import { staticLinkKeys } from '../../shared/ports/link-keys.js';
import { acceptReferral } from '../../shared/services/intake.js';
import { getReferralWithTimeline } from '../../shared/store/referrals.js';
import { useFreshTable } from './dynamodb.js';

export const TEST_LINK_KEY = 'test-link-signing-key-0123456789abcdef';

export async function until<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function workflowHarness(options: { speedup?: number } = {}) {
  const table = await useFreshTable();
  const outbox = new Outbox(undefined, () => undefined);
  const workflow = new LocalWorkflow({ retryPauseMs: 0, speedup: options.speedup });
  installAdapters({ workflow, notifier: outboxNotifier(outbox), linkKeys: staticLinkKeys(TEST_LINK_KEY) });
  return {
    table,
    outbox,
    workflow,
    async refer(body: unknown): Promise<string> {
      const { referral } = await acceptReferral(referralRequestSchema.parse(body), { clientId: 'gp-1' });
      return referral.id;
    },
    load: async (id: string) => (await getReferralWithTimeline(id))!,
    messages: (filter: Partial<OutboxMessage> = {}) =>
      outbox.list().filter((m) => Object.entries(filter).every(([k, v]) => m[k as keyof OutboxMessage] === v)),
  };
}
