/**
 * Work per referral, counted from real local executions (not estimated): state transitions, Lambda
 * invocations, DynamoDB read and write units (DynamoDB Local reports consumed capacity like the
 * real service), SMS fragments and emails; and a scale run of many referrals through the whole
 * journey on a sped-up clock, with wall time and peak memory.
 */
import { readFileSync } from 'node:fs';

import { Faults } from '../local/faults.js';
import type { OutboxMessage } from '../local/outbox.js';
import { now } from '../shared/clock.js';
import { smsFragments } from '../shared/domain/sms.js';
import { documentClient } from '../shared/store/dynamo.js';
import { withPatient } from '../test/support/fixtures.js';
import { type LocalService, startLocalService } from '../test/support/local-service.js';

/** 12 hours a second: a triage reminder is 1.7 s away, an appointment a few seconds. */
const SPEEDUP = 43_200;
const DAY_MS = 86_400_000;

export interface Work {
  transitions: number;
  lambdaInvocations: number;
  apiRequests: number;
  readUnits: number;
  writeUnits: number;
  sms: number;
  smsFragments: number;
  staffEmails: number;
  referrerEmails: number;
}

export interface PathRow extends Work {
  path: string;
  endedIn: string;
}

const READS = /^(Get|Query|Scan|BatchGet|TransactGet)/;

/** Adds up the capacity every DynamoDB call reports. */
function meterDynamoDb(totals: { read: number; write: number }): void {
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'INDEXES';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      const units = [consumed].flat().reduce<number>((n, c) => n + ((c as { CapacityUnits?: number } | undefined)?.CapacityUnits ?? 0), 0);
      if (READS.test(context.commandName ?? '')) totals.read += units;
      else totals.write += units;
      return result;
    },
    { step: 'initialize', name: 'benchCapacityMeter' },
  );
}

class Driver {
  readonly capacity = { read: 0, write: 0 };
  apiRequests = 0;
  private waiters: { match: (m: OutboxMessage) => boolean; resolve: (m: OutboxMessage) => void }[] = [];
  private readonly seen: OutboxMessage[] = [];

  private constructor(
    readonly svc: LocalService,
    readonly faults: Faults,
  ) {
    svc.runtime.outbox.subscribe((message) => {
      this.seen.push(message);
      this.waiters = this.waiters.filter((w) => !(w.match(message) && (w.resolve(message), true)));
    });
    meterDynamoDb(this.capacity);
  }

  static async start(): Promise<Driver> {
    const faults = new Faults(); // none armed: it counts Lambda invocations
    return new Driver(await startLocalService({ speedup: SPEEDUP, faults }), faults);
  }

  /** The first message matching, already sent or still to come. */
  message(match: (m: OutboxMessage) => boolean): Promise<OutboxMessage> {
    const sent = this.seen.find(match);
    return sent ? Promise.resolve(sent) : new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  async fetch(url: string, init?: RequestInit): Promise<Response> {
    this.apiRequests++;
    return fetch(url, init);
  }

  /** The test service's own requests, counted (each is an API Gateway request and a Lambda invocation). */
  refer(body: unknown): Promise<string> {
    this.apiRequests++;
    return this.svc.referAndGetId(body);
  }

  submit(link: string, form: Record<string, string>): Promise<Response> {
    this.apiRequests++;
    return this.svc.submit(link, form);
  }

  async ended(id: string): Promise<string> {
    const execution = this.svc.runtime.workflow.execution(id)!;
    await execution.done;
    return execution.states.at(-1) ?? '';
  }

  /** Refers a patient and has triage decide; resolves with the referral id once decided. */
  async referAndDecide(mobile: string, form: Record<string, string>, body = withPatient({ mobile })): Promise<string> {
    const id = await this.refer(body);
    const email = await this.message((m) => m.to === 'triage-team' && m.body.includes(id));
    const link = /(http:\/\/\S+\/tasks\/\S+)/.exec(email.body)![1]!;
    await this.submit(link, { clinician: 'Bench', ...form });
    return id;
  }

  /** The happy path: accepted, books the soonest slot at least `daysAhead` away, reminded, attends. */
  async happyPath(mobile: string, e164: string, slotChoice: (slots: string[]) => string | undefined): Promise<string> {
    const id = await this.referAndDecide(mobile, { decision: 'accept', service: 'physiotherapy', priority: 'routine' });
    const invite = await this.message((m) => m.to === e164 && /book your/.test(m.body));
    const link = /(http:\/\/\S+\/a\/[\w-]+\.[\w-]+)/.exec(invite.body)![1]!;
    // Others may take a chosen slot first: choose again from a fresh page.
    for (let attempt = 0; ; attempt++) {
      const page = await (await this.fetch(link)).text();
      const slot = slotChoice([...page.matchAll(/name="slot" type="radio" value="([^"]+)"/g)].map((m) => m[1]!));
      if (!slot || attempt === 20) throw new Error(`no slot to book for ${id}`);
      if ((await this.submit(link, { action: 'book', slot })).status === 200) break;
    }
    const outcomeEmail = await this.message((m) => m.to === 'clinic-team' && m.body.includes(id));
    const outcomeLink = /(http:\/\/\S+\/tasks\/\S+)/.exec(outcomeEmail.body)![1]!;
    await this.submit(outcomeLink, { decision: 'attended-discharged', clinician: 'Bench' });
    return id;
  }
}

function workOf(
  driver: Driver,
  id: string,
  mobile: string,
  before: { lambda: number; api: number; read: number; write: number; outbox: number },
): Work {
  const messages = driver.svc.runtime.outbox.list().slice(before.outbox);
  const texts = messages.filter((m) => m.channel === 'sms' && m.to === mobile);
  return {
    transitions: driver.svc.runtime.workflow.execution(id)!.states.length,
    lambdaInvocations:
      driver.faults.attempts.filter((a) => a.target.startsWith('lambda:')).length - before.lambda + (driver.apiRequests - before.api),
    apiRequests: driver.apiRequests - before.api,
    readUnits: Math.round((driver.capacity.read - before.read) * 10) / 10,
    writeUnits: Math.round((driver.capacity.write - before.write) * 10) / 10,
    sms: texts.length,
    smsFragments: texts.reduce((n, m) => n + smsFragments(m.body), 0),
    staffEmails: messages.filter((m) => m.channel === 'email' && !m.to.includes('@')).length,
    referrerEmails: messages.filter((m) => m.channel === 'email' && m.to.includes('@')).length,
  };
}

const snapshot = (d: Driver) => ({
  lambda: d.faults.attempts.filter((a) => a.target.startsWith('lambda:')).length,
  api: d.apiRequests,
  read: d.capacity.read,
  write: d.capacity.write,
  outbox: d.svc.runtime.outbox.list().length,
});

/** Slots at least three days ahead, so that the 48-hour reminder is sent. */
const afterThreeDays = (slots: string[]) => slots.filter((s) => Date.parse(s.split('#')[1]!) > now().getTime() + 3 * DAY_MS);
const threeDaysOn = (slots: string[]) => afterThreeDays(slots)[0];
export async function benchPaths(): Promise<PathRow[]> {
  const driver = await Driver.start();
  try {
    await driver.svc.loadClinic('bench-clinic', { count: 40, firstInMs: 2 * DAY_MS, everyMs: 3 * 3_600_000 });
    const accept = { decision: 'accept', service: 'physiotherapy', priority: 'routine' };
    const paths: [string, (mobile: string, e164: string) => Promise<string>][] = [
      ['happy: accept, book, remind, attend', (m, e) => driver.happyPath(m, e, threeDaysOn)],
      ['emergency: screened to A&E', (m) => driver.refer(withPatient({ mobile: m }, { redFlags: ['bladder-or-bowel-dysfunction'] }))],
      ['returned to the GP with advice', (m) => driver.referAndDecide(m, { decision: 'return', reason: 'Try NSAIDs' })],
      ['self-management', (m) => driver.referAndDecide(m, { decision: 'self-management' })],
      ['accepted, never books: unable to contact', (m) => driver.referAndDecide(m, accept)],
    ];
    const rows: PathRow[] = [];
    for (const [i, [path, journey]] of paths.entries()) {
      const mobile = `07700 90070${i}`;
      const e164 = `+44770090070${i}`;
      const before = snapshot(driver);
      const id = await journey(mobile, e164);
      const endedIn = await driver.ended(id);
      rows.push({ path, endedIn, ...workOf(driver, id, e164, before) });
    }
    return rows;
  } finally {
    await driver.svc.stop();
  }
}

export interface ScaleResult {
  referrals: number;
  completed: number;
  wallSeconds: number;
  peakNodeMb: number;
  peakJavaMb: number | null;
}

/** Peak resident memory of a process, from Linux's /proc (VmHWM). */
export function peakRssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return null;
  }
}

export async function benchScale(referrals = Number(process.env.BENCH_SCALE_REFERRALS ?? 1000), parallel = 50): Promise<ScaleResult> {
  const driver = await Driver.start();
  try {
    // Twice as many slots as referrals, spread over the 60 virtual days the run may take.
    await driver.svc.loadClinic('scale-clinic', {
      count: 2 * referrals,
      firstInMs: 2.5 * DAY_MS,
      everyMs: (60 * DAY_MS) / (2 * referrals),
    });
    const started = Date.now();
    let nextIndex = 0;
    let completed = 0;
    const worker = async () => {
      while (nextIndex < referrals) {
        const n = nextIndex++;
        // Fictional numbers from Ofcom's drama range, 07700 900000 to 900999.
        const digits = String(n % 1000).padStart(3, '0');
        const id = await driver.happyPath(
          `07700 900${digits}`,
          `+447700900${digits}`,
          (slots) => slots[Math.floor(Math.random() * slots.length)],
        );
        await driver.ended(id);
        completed++;
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    return {
      referrals,
      completed,
      wallSeconds: Math.round((Date.now() - started) / 100) / 10,
      peakNodeMb: peakRssMb(process.pid)!,
      peakJavaMb: peakRssMb(driver.svc.runtime.dynamodbPid),
    };
  } finally {
    await driver.svc.stop();
  }
}
