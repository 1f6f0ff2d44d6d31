/** The local runtime in-process, with helpers to drive it over HTTP as a GP system and a clinician would. */
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime.js';
import type { OutboxMessage } from '../../local/outbox.js';
import { TEST_LINK_KEY, until } from './harness.js';

export const TOKEN = 'test-referrer-token';
export const STAFF_TOKEN = 'test-staff-token';

export interface LocalService {
  runtime: LocalRuntime;
  url: string;
  refer(body: unknown, headers?: Record<string, string>): Promise<Response>;
  referAndGetId(body: unknown): Promise<string>;
  status(id: string): Promise<any>;
  /** The first outbox message matching, waiting for it to arrive. */
  message(match: (m: OutboxMessage) => boolean, what: string): Promise<OutboxMessage>;
  /** The task link in the newest staff email about a referral. */
  linkFor(id: string, audience?: string): Promise<string>;
  submit(link: string, form: Record<string, string>): Promise<Response>;
  /** As staff, with the staff token: load clinics and slots. */
  admin(method: 'PUT' | 'POST', path: string, body: unknown, token?: string): Promise<Response>;
  stop(): Promise<void>;
}

export async function startLocalService(
  options: { speedup?: number; tableName?: string; smsOptedOut?: string[] } = {},
): Promise<LocalService> {
  const runtime = await startLocalRuntime({
    port: 0,
    referrerToken: TOKEN,
    log: () => undefined,
    tableName: options.tableName ?? `svc-${Date.now()}`,
    speedup: options.speedup,
    retryPauseMs: 0,
    linkSigningKey: TEST_LINK_KEY,
    staffToken: STAFF_TOKEN,
    smsOptedOut: options.smsOptedOut,
  });
  const service: LocalService = {
    runtime,
    url: runtime.url,
    refer: (body, headers = {}) =>
      fetch(`${runtime.url}/referrals`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    async referAndGetId(body) {
      const response = await service.refer(body);
      if (response.status !== 201) throw new Error(`referral refused: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { id: string }).id;
    },
    status: async (id) => (await fetch(`${runtime.url}/referrals/${id}`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json(),
    message: (match, what) => until(() => runtime.outbox.list().find(match), what),
    async linkFor(id, audience = 'triage-team') {
      const email = await until(
        () => runtime.outbox.list().findLast((m) => m.channel === 'email' && m.to === audience && m.body.includes(id)),
        `an email to ${audience} about ${id}`,
      );
      return /(http:\/\/\S+\/tasks\/\S+)/.exec(email.body)![1]!;
    },
    submit: (link, form) =>
      fetch(link, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      }),
    admin: (method, path, body, token = STAFF_TOKEN) =>
      fetch(`${runtime.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }),
    stop: () => runtime.stop(),
  };
  return service;
}
