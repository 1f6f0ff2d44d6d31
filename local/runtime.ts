/**
 * The whole service on one machine: DynamoDB Local, the API server, the ASL runner and the outbox,
 * wired to the same handlers AWS runs. Used by `npm start` and by the tests.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { spedUpClock, useClock } from '../shared/clock.js';
import { resetConfig } from '../shared/config.js';
import { CALLBACK_MAX_ATTEMPTS } from '../shared/domain/callbacks.js';
import type { FunctionName } from '../shared/functions.js';
import { staticReferrerCallbacks } from '../shared/ports/callbacks.js';
import { installAdapters, resetAdapters } from '../shared/ports/index.js';
import { staticLinkKeys } from '../shared/ports/link-keys.js';
import { REFERRER_SCOPE } from '../shared/routes.js';
import { resetDocumentClient } from '../shared/store/dynamo.js';
import { type DynamoDbLocal, ensureTable, freePort, LOCAL_AWS_ENV, startDynamoDbLocal } from './dynamodb-local.js';
import type { Faults } from './faults.js';
import { Outbox, outboxNotifier } from './outbox.js';
import { privateDirectory } from './private-files.js';
import { localCallbackQueue, LocalQueue } from './queue.js';
import { resumeWaitingReferrals } from './resume.js';
import { SEED_CLINICS, seedTimetable } from './seed.js';
import { createLocalServer, LOCAL_REFERRER_CLIENT_ID } from './server.js';
import { DEFAULT_REFERRER_CLIENT_SECRET, LOCAL_STAFF_CLIENT_ID, localOAuth } from './sign-in.js';
import { type LocalStaffIdentity, localStaffIdentity } from './staff-identity.js';
import { TableStream } from './table-stream.js';
import { lambdaContext, loadHandler, LocalWorkflow } from './workflow-runner.js';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface LocalRuntimeOptions {
  port?: number;
  /** Keep data here between runs; leave out for an in-memory service (tests). */
  dataDir?: string;
  referrerToken?: string;
  /** More referring systems, by bearer token: their client ids (tests of who may read what). */
  otherReferrers?: Record<string, string>;
  /** The local referring system's client secret for the client credentials grant (`local-referrer`). */
  referrerClientSecret?: string;
  serviceName?: string;
  tableName?: string;
  log?: (line: string) => void;
  /** See LocalWorkflowOptions.retryPauseMs. */
  retryPauseMs?: number;
  /** Run the service's clock this many times faster (timers, waits, timestamps). */
  speedup?: number;
  /** Key that signs links; default: kept in the data folder, or random for an in-memory run. */
  linkSigningKey?: string;
  staffToken?: string;
  /** Load the fictional clinics' timetable into an empty service (npm start does). */
  seed?: boolean;
  /** Mobile numbers (E.164) that have opted out of texts, as if they had replied STOP. */
  smsOptedOut?: string[];
  /** Faults to inject into messages, Lambda invocations and DynamoDB (fault tests, LOCAL_FAULTS). */
  faults?: Faults;
  /** See LocalWorkflowOptions.retryJitter. */
  retryJitter?: boolean;
  /**
   * Service settings the handlers read from their environment, as in Lambda (e.g.
   * `{ FIRST_CONTACT_CALL: 'gp' }`); `npm start` takes them from its own environment instead.
   */
  settings?: Record<string, string>;
  /**
   * The local referring system's callback (REFERRER_CALLBACK_URL, REFERRER_CALLBACK_SECRET): every
   * status change of its referrals is POSTed there, signed, as in AWS. None: nothing is sent.
   */
  referrerCallback?: { url: string; secret: string };
  /**
   * Called once the runtime has stopped itself because DynamoDB Local died and could not be
   * restarted (the log says why); npm start exits with it.
   */
  onFatal?: (error: Error) => void;
}

export interface LocalRuntime {
  url: string;
  outbox: Outbox;
  workflow: LocalWorkflow;
  /** The stand-in staff pool: tests sign people in with `mint`. */
  staffIdentity: LocalStaffIdentity;
  dynamodbEndpoint: string;
  /** Status sent back: the callback queue and its dead-letter queue (present with `referrerCallback`). */
  callbacks?: { queue: LocalQueue; deadLetters: LocalQueue };
  /** DynamoDB Local's Java process id (a new one after the watchdog restarted it). */
  readonly dynamodbPid: number | undefined;
  stop(): Promise<void>;
}

export const DEFAULT_REFERRER_TOKEN = 'local-referrer-token';
export const DEFAULT_STAFF_TOKEN = 'local-staff-token';

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const log = options.log ?? ((line: string) => console.log(line));
  const tableName = options.tableName ?? 'msk-pathway-local';
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;

  const speedup = options.speedup ?? 1;
  const restoreClock = speedup > 1 ? useClock(spedUpClock(speedup)) : () => undefined;
  if (dataDir) privateDirectory(dataDir);
  let runtime: LocalRuntime | undefined;
  // DynamoDB Local dying (killed, out of memory) is said once and mended, rather than answered 503 until a restart.
  const dynamodb: DynamoDbLocal = await startDynamoDbLocal({
    dataDir: dataDir && join(dataDir, 'dynamodb'),
    watchdog: {
      log,
      afterRestart: async () => void (await ensureTable(dynamodb.endpoint, tableName, { stream: !!options.referrerCallback })),
      onGiveUp: (error) => {
        log(`[local] DynamoDB Local could not be restarted (${error.message.split('\n')[0]}); stopping the service`);
        void (runtime ? runtime.stop() : dynamodb.stop()).then(() => options.onFatal?.(error));
      },
    },
  });
  // Chosen once DynamoDB Local listens: a port chosen before could be handed to it too (EADDRINUSE).
  const port = options.port || (await freePort());
  const url = `http://localhost:${port}`;
  if (!dynamodb.loopbackOnly)
    log('[local] DynamoDB Local listens on every interface: there is no javac here to build its 127.0.0.1 launcher');
  // With faults, the handlers reach DynamoDB Local through a proxy that can answer with errors.
  const proxy = options.faults && (await options.faults.dynamoDbProxy(dynamodb.endpoint));
  const stopDynamoDb = async () => {
    await proxy?.stop();
    await dynamodb.stop();
  };
  try {
    const streamArn = await ensureTable(dynamodb.endpoint, tableName, { stream: !!options.referrerCallback });
    // The handlers read their configuration and AWS endpoints from the environment, as in Lambda.
    Object.assign(process.env, LOCAL_AWS_ENV, {
      AWS_ENDPOINT_URL_DYNAMODB: proxy ? proxy.endpoint : dynamodb.endpoint,
      TABLE_NAME: tableName,
      SERVICE_NAME: options.serviceName ?? process.env.SERVICE_NAME ?? 'MSK Service',
      PUBLIC_BASE_URL: url,
      STAFF_AUTH_URL: `${url}/local`,
      STAFF_CLIENT_ID: LOCAL_STAFF_CLIENT_ID,
      POWERTOOLS_SERVICE_NAME: 'msk-pathway-local',
      ...options.settings,
    });
    resetConfig();
    resetDocumentClient();

    const outbox = new Outbox(dataDir && join(dataDir, 'outbox.jsonl'), log);
    const workflow = new LocalWorkflow({
      log,
      retryPauseMs: options.retryPauseMs,
      speedup,
      retryJitter: options.retryJitter,
      beforeInvoke: options.faults?.beforeInvoke,
    });
    const notifier = outboxNotifier(outbox, new Set(options.smsOptedOut ?? []));
    const staffIdentity = localStaffIdentity(options.staffToken ?? DEFAULT_STAFF_TOKEN);
    const callbacks = options.referrerCallback && streamArn ? startCallbacks(dynamodb.endpoint, streamArn, log) : undefined;
    resetAdapters();
    installAdapters({
      workflow: options.faults ? options.faults.workflow(workflow) : workflow,
      notifier: options.faults ? options.faults.notifier(notifier) : notifier,
      linkKeys: staticLinkKeys(options.linkSigningKey ?? localLinkKey(dataDir)),
      staffIdentity,
      referrerCallbacks: staticReferrerCallbacks(options.referrerCallback ? { [LOCAL_REFERRER_CLIENT_ID]: options.referrerCallback } : {}),
      ...(callbacks ? { callbackQueue: localCallbackQueue(callbacks.queue) } : {}),
    });
    if (options.seed) {
      const added = await seedTimetable();
      if (added) log(`[local] seeded ${added} appointment slots at ${Object.keys(SEED_CLINICS).length} fictional clinics`);
    }
    const resumed = await resumeWaitingReferrals(workflow);
    if (Object.keys(resumed).length) log(`[local] resumed waiting referrals: ${JSON.stringify(resumed)}`);
    const schedules = [
      schedule('removePersonalData', 86_400_000, speedup, log),
      schedule('topUpTimetable', 86_400_000, speedup, log),
      schedule('startStalledReferrals', 15 * 60_000, speedup, log),
    ];

    const server = createLocalServer({
      referrerToken: options.referrerToken ?? DEFAULT_REFERRER_TOKEN,
      otherReferrers: options.otherReferrers,
      staffIdentity,
      localRoutes: {
        'GET /health': () => ({ status: 200, body: { status: 'ok' } }),
        'GET /local/outbox': () => ({ status: 200, body: { messages: outbox.list() } }),
        ...localOAuth({
          identity: staffIdentity,
          callbackUrl: `${url}/staff/signed-in`,
          referrer: {
            clientId: LOCAL_REFERRER_CLIENT_ID,
            clientSecret: options.referrerClientSecret ?? DEFAULT_REFERRER_CLIENT_SECRET,
            token: options.referrerToken ?? DEFAULT_REFERRER_TOKEN,
            scope: `${REFERRER_SCOPE.resourceServer}/${REFERRER_SCOPE.scope}`,
          },
        }),
      },
    });
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolveListen());
    });

    let stopped: Promise<void> | undefined;
    runtime = {
      url,
      outbox,
      workflow,
      staffIdentity,
      ...(callbacks ? { callbacks: { queue: callbacks.queue, deadLetters: callbacks.deadLetters } } : {}),
      dynamodbEndpoint: dynamodb.endpoint,
      get dynamodbPid() {
        return dynamodb.pid;
      },
      // Once, whoever asks first (Ctrl-C, a test, the watchdog giving up).
      stop: () =>
        (stopped ??= (async () => {
          for (const timer of schedules) clearInterval(timer);
          await closeServer(server);
          // Executions waiting for a person end here (in memory only); steps already running get
          // a moment to finish their writes, but a shutdown never hangs on them.
          workflow.stop();
          await Promise.race([workflow.settle(), new Promise((r) => setTimeout(r, 2000))]);
          await callbacks?.stop();
          await stopDynamoDb();
          restoreClock();
        })()),
    };
    return runtime;
  } catch (error) {
    await stopDynamoDb();
    restoreClock();
    throw error;
  }
}

/**
 * Status sent back, as in AWS: the table's stream → captureStatusChanges → the callback queue →
 * deliverCallbacks (retries on the service's clock) → after the last attempt, the dead-letter
 * queue → callbackFailed. The same handlers Lambda runs, invoked as their event source mappings would.
 */
function startCallbacks(endpoint: string, streamArn: string, log: (line: string) => void) {
  const invoke = (name: FunctionName) => async (event: unknown) => (await loadHandler(name))(event, lambdaContext(name)) as never;
  const deadLetters = new LocalQueue({
    name: 'callback-dead-letters',
    consume: invoke('callbackFailed'),
    visibilityTimeoutSeconds: 120,
    log,
  });
  const queue = new LocalQueue({
    name: 'callbacks',
    consume: invoke('deliverCallbacks'),
    visibilityTimeoutSeconds: 120,
    maxReceiveCount: CALLBACK_MAX_ATTEMPTS,
    deadLetters,
    log,
  });
  const stream = new TableStream({ endpoint, streamArn, consume: invoke('captureStatusChanges'), log });
  for (const part of [deadLetters, queue, stream]) part.start();
  return {
    queue,
    deadLetters,
    stop: async () => {
      await stream.stop();
      await queue.stop();
      await deadLetters.stop();
    },
  };
}

/** As EventBridge does in AWS: a scheduled function's handler at start and then every `everyMs` (virtual). */
function schedule(name: FunctionName, everyMs: number, speedup: number, log: (line: string) => void): NodeJS.Timeout {
  const run = async () => {
    try {
      const result = await (await loadHandler(name))({}, lambdaContext(name));
      if (Object.values(result as Record<string, number>).some((n) => n > 0)) log(`[local] ${name}: ${JSON.stringify(result)}`);
    } catch (error) {
      log(`[local] ${name} failed: ${(error as Error).name}`);
    }
  };
  void run();
  // At a fast clock, not more than once a second of real time.
  const timer = setInterval(run, Math.max(everyMs / speedup, 1000));
  timer.unref();
  return timer;
}

/**
 * The link-signing key: LINK_SIGNING_KEY if set; else one kept in the data folder, so that links
 * in the outbox still work after a restart; else (in-memory runs) a fresh one.
 */
function localLinkKey(dataDir: string | undefined): string {
  if (process.env.LINK_SIGNING_KEY) return process.env.LINK_SIGNING_KEY;
  if (!dataDir) return randomBytes(32).toString('base64url');
  const file = join(dataDir, 'link-signing-key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolveClose) => {
    server.close(() => resolveClose());
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  });
}
