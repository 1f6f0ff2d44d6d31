/** The local runtime in-process, with helpers to drive it over HTTP as a GP system and a clinician would. */
import type { OutboxMessage } from '../../local/outbox.js';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../../local/runtime.js';
import { now } from '../../shared/clock.js';
import type { StaffUser } from '../../shared/domain/staff.js';
import { SESSION_COOKIE } from '../../shared/http/staff-session.js';
import { TEST_LINK_KEY, until } from './harness.js';

/** A clinician who may decide every step but is not the service lead, by name ("Jo Physio" is test-jo-physio). */
export function testClinician(name: string): StaffUser {
  const id = `test-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return { id, name, roles: ['triage-clinician', 'senior-clinician', 'booking-team', 'clinic-staff'] };
}

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
  /**
   * Posts a form. A staff link (/tasks/...) is posted as a signed-in person, named by the form's
   * `clinician` (as people once typed it), with the session's form token.
   */
  submit(link: string, form: Record<string, string>): Promise<Response>;
  /** GETs a page; a staff link (/tasks/...) as a signed-in clinician (`as`, by name). */
  open(link: string, as?: string): Promise<Response>;
  /** A session cookie for a person (the local staff pool's token), to send as `Cookie`. */
  sessionCookie(user: StaffUser): string;
  /** As staff, with the staff token: load clinics and slots. */
  admin(method: 'GET' | 'PUT' | 'POST', path: string, body: unknown, token?: string): Promise<Response>;
  /** As staff: a physiotherapy clinic with `count` 30-minute slots, the first `firstInMs` from now. */
  loadClinic(
    clinicId: string,
    slots: { count: number; firstInMs: number; everyMs?: number },
  ): Promise<{ added: number; alreadyLoaded: number }>;
  stop(): Promise<void>;
}

export async function startLocalService(
  options: Pick<
    LocalRuntimeOptions,
    'speedup' | 'tableName' | 'smsOptedOut' | 'faults' | 'retryPauseMs' | 'retryJitter' | 'referrerCallback' | 'settings'
  > = {},
): Promise<LocalService> {
  const runtime = await startLocalRuntime({
    port: 0,
    referrerToken: TOKEN,
    log: () => undefined,
    retryPauseMs: 0,
    linkSigningKey: TEST_LINK_KEY,
    staffToken: STAFF_TOKEN,
    ...options,
    tableName: options.tableName ?? `svc-${Date.now()}`,
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
    async submit(link, { clinician, ...form }) {
      const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
      if (new URL(link).pathname.startsWith('/tasks/')) {
        const token = runtime.staffIdentity.mint(testClinician(clinician ?? 'Test Clinician'));
        headers.Cookie = `${SESSION_COOKIE}=${token}`;
        // Loaded on first use: importing page code at start would create the logger before a test captures it.
        const { csrfFor } = await import('../../shared/http/staff-pages.js');
        form.csrf = await csrfFor(token);
      }
      return fetch(link, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
    },
    open: (link, as = 'Test Clinician') =>
      fetch(link, new URL(link).pathname.startsWith('/tasks/') ? { headers: { Cookie: service.sessionCookie(testClinician(as)) } } : {}),
    sessionCookie: (user) => `${SESSION_COOKIE}=${runtime.staffIdentity.mint(user)}`,
    admin: (method, path, body, token = STAFF_TOKEN) =>
      fetch(`${runtime.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    async loadClinic(clinicId, { count, firstInMs, everyMs = 3_600_000 }) {
      // 'test-clinic' is "Test Clinic", 'leyland' "Leyland Clinic".
      const words = clinicId.split('-').filter((w) => w !== 'clinic');
      const name = [...words, 'clinic'].map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
      const clinic = { name, address: '1 High Street, Preston', postcode: 'PR1 1AA', services: ['physiotherapy'] };
      const put = await service.admin('PUT', `/admin/clinics/${clinicId}`, clinic);
      if (put.status !== 200) throw new Error(`clinic refused: ${put.status} ${await put.text()}`);
      const base = now().getTime() + firstInMs;
      const slots = Array.from({ length: count }, (_, i) => ({
        clinicId,
        service: 'physiotherapy',
        start: new Date(base + i * everyMs).toISOString(),
        lengthMinutes: 30,
        clinicianType: 'physiotherapist',
      }));
      // In requests under the API's 64 KB body limit.
      const total = { added: 0, alreadyLoaded: 0 };
      for (let i = 0; i < slots.length; i += 200) {
        const posted = await service.admin('POST', '/admin/slots', { slots: slots.slice(i, i + 200) });
        if (posted.status !== 200) throw new Error(`slots refused: ${posted.status} ${await posted.text()}`);
        const { added, alreadyLoaded } = (await posted.json()) as typeof total;
        total.added += added;
        total.alreadyLoaded += alreadyLoaded;
      }
      return total;
    },
    stop: () => runtime.stop(),
  };
  return service;
}
