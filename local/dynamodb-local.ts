/**
 * DynamoDB Local, AWS's own emulator, started and stopped by the project itself, on 127.0.0.1, and
 * restarted if it dies while the service runs. The jar ships in the npm package
 * amplify-dynamodb-simulator; the machine's Java (17+) runs it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';

import { createTableInput } from '../shared/tables.js';
import { privateDirectory } from './private-files.js';

export interface DynamoDbLocal {
  endpoint: string;
  /** The Java process (benchmarks read its peak memory); a new one after the watchdog restarts it. */
  readonly pid: number | undefined;
  /** Whether it listens on 127.0.0.1 only (false: on every interface, for want of javac). */
  loopbackOnly: boolean;
  stop(): Promise<void>;
}

export function emulatorDirectory(): string {
  const packageJson = createRequire(import.meta.url).resolve('amplify-dynamodb-simulator/package.json');
  return join(dirname(packageJson), 'emulator');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Credentials and region DynamoDB Local accepts (it checks neither; -sharedDb ignores both). */
export const LOCAL_AWS_ENV = { AWS_REGION: 'eu-west-2', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };

function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY },
  });
}

async function waitUntilReady(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const client = localClient(endpoint);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.signalCode !== null) throw new Error(`DynamoDB Local was stopped (${child.signalCode}) while starting`);
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode} (is Java 17+ installed?)`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms: ${(error as Error).message}`, { cause: error });
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } finally {
    client.destroy();
  }
}

/** The Java launcher that binds DynamoDB Local to 127.0.0.1 (see the file), and where it is compiled to. */
const LAUNCHER_SOURCE = fileURLToPath(new URL('DynamoDbLocalLoopback.java', import.meta.url));
const LAUNCHER_CACHE = fileURLToPath(new URL('../.local/java/', import.meta.url));

/**
 * The launcher's classes, compiled once (javac, about a second) into .local/java, in a folder named
 * after the source so that a change compiles again. Undefined when this machine has no javac (a
 * Java runtime without the JDK): DynamoDB Local then listens on every interface, as its jar does.
 */
function loopbackLauncher(emulator: string, classpath: string): string | undefined {
  const source = readFileSync(LAUNCHER_SOURCE);
  const dir = join(LAUNCHER_CACHE, createHash('sha256').update(source).update(emulator).digest('hex').slice(0, 16));
  if (existsSync(join(dir, 'DynamoDbLocalLoopback.class'))) return dir;
  privateDirectory(LAUNCHER_CACHE);
  // Compiled beside, then renamed: two processes starting at once (test workers) never see half a folder.
  const building = mkdtempSync(join(LAUNCHER_CACHE, 'building-'));
  try {
    execFileSync('javac', ['--release', '17', '-nowarn', '-cp', classpath, '-d', building, LAUNCHER_SOURCE], { stdio: 'pipe' });
    renameSync(building, dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // no javac
    if (!existsSync(join(dir, 'DynamoDbLocalLoopback.class'))) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
      throw new Error(`could not compile ${LAUNCHER_SOURCE}: ${stderr || (error as Error).message}`, { cause: error });
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

/** How Java is started: files it creates (the table's) are this user's only (umask 077), where a shell can say so. */
function javaCommand(javaArgs: string[]): [string, string[]] {
  if (process.platform === 'win32') return ['java', javaArgs];
  return ['/bin/sh', ['-c', 'umask 077 && exec "$@"', 'sh', 'java', ...javaArgs]];
}

export interface DynamoDbLocalOptions {
  /** Keep data here between runs (the folder 0700, its files 0600); leave out for in memory. */
  dataDir?: string;
  port?: number;
  /**
   * Restart Java, on the same port and data, when it exits while in use: `log` gets one line when
   * it stops and one when it is back; `afterRestart` runs before it counts as back (an in-memory
   * table is gone and needs making again). `onGiveUp` when it cannot be restarted, or when it
   * keeps stopping (more than MAX_RESTARTS_PER_MINUTE times in a minute).
   */
  watchdog?: { log: (line: string) => void; afterRestart?: () => Promise<void>; onGiveUp: (error: Error) => void };
}

export const MAX_RESTARTS_PER_MINUTE = 3;

/** Starts DynamoDB Local on 127.0.0.1 (where javac is there to build the launcher): in memory, or keeping data in `dataDir`. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const dir = emulatorDirectory();
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  if (options.dataDir) privateDirectory(options.dataDir);
  const classpath = [join(dir, 'DynamoDBLocal.jar'), join(dir, 'DynamoDBLocal_lib', '*')].join(delimiter);
  const launcher = loopbackLauncher(dir, classpath);
  const main = launcher
    ? ['-cp', [launcher, classpath].join(delimiter), 'DynamoDbLocalLoopback']
    : ['-jar', join(dir, 'DynamoDBLocal.jar')];
  const storage = options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory'];
  const javaArgs = [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    ...main,
    ...storage,
    '-sharedDb',
    '-disableTelemetry',
    '-port',
    String(port),
  ];

  const launch = async (): Promise<ChildProcess> => {
    const [command, args] = javaCommand(javaArgs);
    // Its working folder gets a metadata file; keep that out of the repository.
    const started = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: options.dataDir ?? tmpdir() });
    let stderr = '';
    started.stderr?.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    const spawnError = new Promise<never>((_, reject) =>
      started.once('error', (e) => reject(new Error(`could not run java: ${e.message}`))),
    );
    try {
      await Promise.race([waitUntilReady(endpoint, started, 60_000), spawnError]);
      return started;
    } catch (error) {
      started.kill('SIGKILL');
      throw new Error(`${(error as Error).message}\n${stderr}`, { cause: error });
    }
  };

  let child = await launch();
  // Never leave a Java process behind, whatever way this process ends.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  let stopping = false;
  let restarting: Promise<void> | undefined;
  const stops: number[] = [];

  const restart = async (exited: string) => {
    const { log, afterRestart, onGiveUp } = options.watchdog!;
    const stoppedAt = Date.now();
    let why = exited;
    // Each stop and each failed start counts; the first line says it stopped, the last that it is back.
    for (let attempt = 0; ; attempt++) {
      stops.push(Date.now());
      if (stops.filter((at) => Date.now() - at < 60_000).length > MAX_RESTARTS_PER_MINUTE) {
        return onGiveUp(new Error(`DynamoDB Local stopped ${MAX_RESTARTS_PER_MINUTE + 1} times within a minute (last: ${why})`));
      }
      if (attempt === 0) {
        log(
          `[local] DynamoDB Local stopped unexpectedly (${why}); restarting it on port ${port}` +
            (options.dataDir ? '' : ' (in memory: its data is gone)'),
        );
      }
      try {
        const next = await launch();
        if (stopping) return void next.kill('SIGKILL');
        child = next;
        break;
      } catch (error) {
        if (stopping) return;
        why = (error as Error).message.split('\n')[0]!;
      }
    }
    watch(child);
    try {
      await afterRestart?.();
      log(`[local] DynamoDB Local is back after ${Date.now() - stoppedAt} ms`);
    } catch (error) {
      if (!stopping) onGiveUp(error as Error);
    }
  };
  const watch = (running: ChildProcess) =>
    running.once('exit', (code, signal) => {
      if (!stopping && options.watchdog) restarting = restart(signal ?? `exit code ${code}`);
    });
  watch(child);

  return {
    endpoint,
    get pid() {
      return child.pid;
    },
    loopbackOnly: launcher !== undefined,
    async stop() {
      stopping = true;
      await restarting;
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Creates the table from the shared definition unless it is there already. With `stream` (a referrer
 * callback is configured), a table without its stream (kept from before, or made without one) gets
 * it; returns the stream's ARN, if it has one.
 */
export async function ensureTable(endpoint: string, tableName: string, { stream = false } = {}): Promise<string | undefined> {
  const client = localClient(endpoint);
  try {
    const input = createTableInput(tableName, { stream });
    try {
      const created = await client.send(new CreateTableCommand(input));
      return created.TableDescription!.LatestStreamArn;
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.StreamSpecification?.StreamEnabled && Table.LatestStreamArn) return Table.LatestStreamArn;
    if (!stream) return undefined;
    const updated = await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: input.StreamSpecification }));
    return updated.TableDescription!.LatestStreamArn!;
  } finally {
    client.destroy();
  }
}
