/**
 * Runs statemachines/referral.asl.json, the same file CDK deploys, with aws-local-stepfunctions.
 * Each Task state's AWS resource is replaced by a local adapter chosen from its Resource ARN:
 * lambda:invoke calls the same handler module Lambda runs; lambda:invoke.waitForTaskToken also
 * issues a task token and waits for SendTaskSuccess, in virtual time. Executions live in memory.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type { Context } from 'aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';

import { now } from '../shared/clock.js';
import { workflowWaits } from '../shared/config.js';
import { type FunctionName, lambdaFunctions } from '../shared/functions.js';
import { type RetryInput, TaskNotWaitingError, type Workflow, type WorkflowInput } from '../shared/ports/workflow.js';
import {
  adaptForLocalRun,
  type AslDefinition,
  type AslState,
  isCallbackTask,
  loadDefinition,
  LOCAL_FUNCTION_ARN_PREFIX,
  LOCAL_TIMEOUT_PARAMETER,
  LOCAL_WAIT_UNTIL,
} from './definition.js';
import type { VirtualTime } from './virtual-time.js';

import './polyfills.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What `$$.Task.Token` resolves to locally; the callback adapter swaps it for a fresh token. */
const TASK_TOKEN_MARKER = 'local-task-token-marker';
/** Node timers overflow past this and fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;
const handlerCache = new Map<string, Promise<LambdaHandler>>();

/** Imports a function's handler module, exactly the entry CDK bundles. */
export function loadHandler(name: FunctionName): Promise<LambdaHandler> {
  let loaded = handlerCache.get(name);
  if (!loaded) {
    loaded = import(pathToFileURL(resolve(REPO_ROOT, lambdaFunctions[name].entry)).href).then((m) => m.handler as LambdaHandler);
    handlerCache.set(name, loaded);
  }
  return loaded;
}

export function lambdaContext(functionName: string, timeoutMs = 30_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `${LOCAL_FUNCTION_ARN_PREFIX}:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** An error as Step Functions reports a failed Lambda: Error = its type, Cause = Lambda's JSON. */
class LambdaFunctionError extends Error {
  constructor(error: Error) {
    super(JSON.stringify({ errorType: error.name, errorMessage: error.message, trace: [] }));
    this.name = error.name;
  }
}

class StatesTimeout extends Error {
  override name = 'States.Timeout';
}

function functionNamed(stateName: string, state: AslState): FunctionName {
  const arn = String(state.Parameters?.FunctionName ?? '');
  const name = arn.startsWith(`${LOCAL_FUNCTION_ARN_PREFIX}:`) ? arn.slice(LOCAL_FUNCTION_ARN_PREFIX.length + 1) : '';
  if (!(name in lambdaFunctions)) throw new Error(`state ${stateName}: no local function for ${arn}`);
  return name as FunctionName;
}

async function invoke(name: FunctionName, payload: unknown, beforeInvoke?: (name: FunctionName) => void): Promise<unknown> {
  const handler = await loadHandler(name);
  try {
    beforeInvoke?.(name);
    return (await handler(payload, lambdaContext(name))) ?? null;
  } catch (error) {
    throw new LambdaFunctionError(error as Error);
  }
}

function replaceMarker(value: unknown, token: string): unknown {
  if (value === TASK_TOKEN_MARKER) return token;
  if (Array.isArray(value)) return value.map((v) => replaceMarker(v, token));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceMarker(v, token)]));
  return value;
}

type TaskAdapter = (input: unknown) => Promise<unknown>;

export interface LocalWorkflowOptions {
  definition?: AslDefinition;
  log?: (line: string) => void;
  /** How many times faster than real time the service's clock runs (CLOCK_SPEEDUP). */
  speedup?: number;
  /** Pause before every retry, in ms, instead of the definition's back-off (tests). */
  retryPauseMs?: number;
  /** Keep the definition's retry jitter (default); off, each back-off pause is exact (fault tests). */
  retryJitter?: boolean;
  /** Called before each Lambda invocation; throwing fails the invocation as the function would (faults). */
  beforeInvoke?: (name: FunctionName) => void;
  /**
   * Virtual time (the capacity forecast): waits and timeouts are scheduled on it instead of real
   * timers, each execution carries its own moment, and it is told when an execution runs or waits.
   * Finished executions are then forgotten (a simulated year has tens of thousands).
   */
  virtualTime?: VirtualTime;
  /** Told of every execution that ends, however it ends (the forecast counts them). */
  onFinished?: (execution: LocalExecution) => void;
  /**
   * In virtual time, told when a step starts waiting for a person (its handler has run): what the
   * forecast's simulated people see on their worklists. Called in the execution's moment.
   */
  onWaiting?: (step: { state: string; kind?: string; referralId: string }) => void;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface LocalExecution {
  name: string;
  input: WorkflowInput;
  status: ExecutionStatus;
  startedAt: string;
  output?: unknown;
  error?: string;
  /** Names of the states entered, in order (from the runner's event log). */
  states: string[];
  done: Promise<void>;
}

/** The Workflow port, locally: one in-memory execution per referral, named after it. */
export class LocalWorkflow implements Workflow {
  private readonly machine: StateMachine;
  private readonly adapted: AslDefinition;
  private readonly resumeMachines = new Map<string, StateMachine>();
  private readonly adapters: Record<string, TaskAdapter> = {};
  private readonly executions = new Map<string, LocalExecution>();
  private readonly waiting = new Map<string, { resolve: (output: unknown) => void; reject: (error: Error) => void }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly aborts = new Map<string, () => void>();
  private readonly retryIntervalOverrides: Record<string, number>;
  private readonly log: (line: string) => void;
  private readonly speedup: number;
  private readonly beforeInvoke?: (name: FunctionName) => void;
  private readonly time?: VirtualTime;
  private readonly onFinished?: (execution: LocalExecution) => void;
  /** In virtual time, the names of executions that ended and were forgotten. */
  private readonly finishedNames = new Set<string>();
  private readonly onWaiting?: LocalWorkflowOptions['onWaiting'];
  private stopped = false;

  constructor(options: LocalWorkflowOptions = {}) {
    const definition = options.definition ?? loadDefinition();
    this.log = options.log ?? (() => undefined);
    this.speedup = options.speedup ?? 1;
    this.time = options.virtualTime;
    this.onFinished = options.onFinished;
    this.onWaiting = options.onWaiting;
    // The file as written must be valid for the runner; the adapted copy differs only in timings.
    new StateMachine(definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
    this.beforeInvoke = options.beforeInvoke;
    const adapted = adaptForLocalRun(definition, this.speedup, { retryJitter: options.retryJitter });
    this.adapted = adapted;
    this.machine = new StateMachine(adapted as never, { validationOptions: { noValidate: true } });
    for (const [stateName, state] of Object.entries(adapted.States)) {
      if (state.Type !== 'Task') continue;
      if (state.Resource === 'arn:aws:states:::lambda:invoke') this.adapters[stateName] = this.lambdaInvoke(stateName, state);
      else if (isCallbackTask(state) && state.Resource?.startsWith('arn:aws:states:::lambda:invoke'))
        this.adapters[stateName] = this.lambdaCallback(stateName, state);
      else if (state.Resource === LOCAL_WAIT_UNTIL)
        this.adapters[stateName] = (input) => this.sleepUntil(String((input as { until: string }).until));
      else throw new Error(`state ${stateName}: the local runtime has no adapter for ${state.Resource}`);
    }
    // Tests that drive retries to exhaustion set a fixed pause instead of the real back-off.
    this.retryIntervalOverrides =
      options.retryPauseMs === undefined
        ? {}
        : Object.fromEntries(Object.keys(adapted.States).map((name) => [name, options.retryPauseMs!]));
  }

  /** lambda:invoke: call the handler with the Payload, answer in the integration's shape. */
  private lambdaInvoke(stateName: string, state: AslState): TaskAdapter {
    const name = functionNamed(stateName, state);
    return async (input) => ({ Payload: await this.invoke(name, (input as { Payload?: unknown }).Payload), StatusCode: 200 });
  }

  /** Invokes a handler, unless the runtime has stopped: then the step never starts (nor fails). */
  private invoke(name: FunctionName, payload: unknown): Promise<unknown> {
    if (this.stopped) return new Promise(() => undefined);
    return invoke(name, payload, this.beforeInvoke);
  }

  /**
   * lambda:invoke.waitForTaskToken: a fresh token per invocation in place of `$$.Task.Token`,
   * the handler invoked with it, then a wait for SendTaskSuccess or the (virtual) timeout.
   */
  private lambdaCallback(stateName: string, state: AslState): TaskAdapter {
    const name = functionNamed(stateName, state);
    return async (input) => {
      const { [LOCAL_TIMEOUT_PARAMETER]: timeoutSeconds, Payload } = input as { Payload?: unknown } & Record<string, unknown>;
      const token = randomBytes(24).toString('base64url');
      if (this.time) return this.virtualCallback(stateName, name, token, Number(timeoutSeconds), Payload);
      let timer: NodeJS.Timeout | undefined;
      const result = new Promise<unknown>((resolve, reject) => this.waiting.set(token, { resolve, reject }));
      result.catch(() => undefined); // a stop may reject it before the race below is awaited
      try {
        await this.invoke(name, replaceMarker(Payload, token));
        const realMs = (Number(timeoutSeconds) * 1000) / this.speedup;
        if (!(realMs >= 0 && realMs <= MAX_TIMER_MS)) throw new Error(`state ${stateName}: a local wait of ${realMs} ms cannot be timed`);
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new StatesTimeout('States.Timeout')), realMs);
          this.timers.add(timer);
        });
        return await Promise.race([result, timeout]);
      } finally {
        if (timer) {
          clearTimeout(timer);
          this.timers.delete(timer);
        }
        this.waiting.delete(token);
      }
    };
  }

  /**
   * A callback task in virtual time: the execution stops holding the clock while it waits, and
   * wakes at the virtual moment of SendTaskSuccess (the caller's) or of its timeout.
   */
  private async virtualCallback(stateName: string, name: FunctionName, token: string, timeoutSeconds: number, payload: unknown) {
    const time = this.time!;
    const moment = time.moment();
    if (!(timeoutSeconds >= 0)) throw new Error(`state ${stateName}: a wait of ${timeoutSeconds} s cannot be timed`);
    let blocked = false;
    let woken = false;
    let cancelTimer = () => undefined as void;
    let timeout!: (ms: number) => void;
    const result = new Promise<unknown>((resolve, reject) => {
      const wake = (ms: number, settle: () => void) => {
        if (woken) return;
        woken = true;
        this.waiting.delete(token);
        cancelTimer();
        if (blocked) time.hold();
        moment.ms = Math.max(moment.ms, ms);
        settle();
      };
      this.waiting.set(token, {
        resolve: (output) => wake(time.now().getTime(), () => resolve(output)),
        reject: (error) => wake(moment.ms, () => reject(error)),
      });
      timeout = (ms) => wake(ms, () => reject(new StatesTimeout('States.Timeout')));
    });
    result.catch(() => undefined);
    try {
      await this.invoke(name, replaceMarker(payload, token));
    } catch (error) {
      // The step's handler failed: the state's retry issues a new token; this one waits for nothing.
      this.waiting.delete(token);
      throw error;
    }
    // A person may have answered while the step's handler ran: then there is nothing to wait for.
    if (!woken) {
      const dueMs = moment.ms + timeoutSeconds * 1000;
      cancelTimer = time.at(dueMs, () => timeout(dueMs));
      blocked = true;
      time.release();
      const { kind, referralId } = (payload ?? {}) as { kind?: string; referralId?: string };
      if (referralId) this.onWaiting?.({ state: stateName, kind, referralId });
    }
    return result;
  }

  /** Sleeps until the service's (possibly sped-up, possibly virtual) clock reaches `until`. */
  private async sleepUntil(until: string): Promise<object> {
    if (this.time) {
      const time = this.time;
      const moment = time.moment();
      const ms = Date.parse(until);
      if (!(ms > moment.ms)) return {};
      time.release();
      await new Promise<void>((resolve) =>
        time.at(ms, () => {
          time.hold();
          moment.ms = ms;
          resolve();
        }),
      );
      return {};
    }
    for (;;) {
      const remainingMs = (Date.parse(until) - now().getTime()) / this.speedup;
      if (!(remainingMs > 0)) return {};
      await new Promise<void>((resolve) => {
        const timer = setTimeout(
          () => {
            this.timers.delete(timer);
            resolve();
          },
          Math.min(remainingMs, MAX_TIMER_MS),
        );
        this.timers.add(timer);
      });
      if (this.stopped) return {};
    }
  }

  async sendTaskSuccess(token: string, output: object): Promise<void> {
    if (!token) throw new TaskNotWaitingError('NoTokenYet');
    const waiter = this.waiting.get(token);
    // As AWS answers a token whose wait has ended: TaskTimedOut.
    if (!waiter) throw new TaskNotWaitingError('TaskTimedOut');
    this.waiting.delete(token);
    waiter.resolve(JSON.parse(JSON.stringify(output)));
  }

  async startReferralWorkflow(input: WorkflowInput): Promise<{ alreadyStarted: boolean }> {
    return this.run(this.machine, input.referralId, { ...input });
  }

  async retryReferralWorkflow({ attempt, ...input }: RetryInput): Promise<{ alreadyStarted: boolean }> {
    return this.run(this.machine, `${input.referralId}-retry-${attempt}`, input);
  }

  /**
   * Re-enters a referral's workflow at `state` with `input`, as the restarted local runtime does for
   * executions it lost (in AWS, Step Functions keeps them). Same states and transitions from there.
   */
  resumeReferralWorkflow(referralId: string, state: string, input: Record<string, unknown>): Promise<{ alreadyStarted: boolean }> {
    if (!(state in this.adapted.States)) throw new Error(`no state ${state} to resume at`);
    let machine = this.resumeMachines.get(state);
    if (!machine) {
      machine = new StateMachine({ ...this.adapted, StartAt: state } as never, { validationOptions: { noValidate: true } });
      this.resumeMachines.set(state, machine);
    }
    // ScreenReferral, skipped here, is where a workflow reads its steps' waits.
    const triage = { waits: workflowWaits(), ...(input.triage as object | undefined) };
    return this.run(machine, referralId, { referralId, ...input, triage });
  }

  private async run(
    machine: StateMachine,
    name: string,
    input: WorkflowInput & Record<string, unknown>,
  ): Promise<{ alreadyStarted: boolean }> {
    if (this.executions.has(name) || this.finishedNames.has(name)) return { alreadyStarted: true };
    const startedAt = new Date().toISOString();
    let finished!: () => void;
    const execution: LocalExecution = {
      name,
      input,
      status: 'RUNNING',
      startedAt,
      states: [],
      done: new Promise<void>((resolve) => (finished = resolve)),
    };
    this.executions.set(execution.name, execution);
    // In virtual time the execution holds the clock from now until it first waits, at the starter's moment.
    const time = this.time;
    time?.hold();
    const moment = { ms: now().getTime() };
    const done = () => {
      finished();
      try {
        this.onFinished?.(execution);
      } finally {
        if (time) {
          // Forgotten, but for its name: a second start with the same name is still "already started".
          this.executions.delete(execution.name);
          this.aborts.delete(execution.name);
          this.finishedNames.add(execution.name);
          time.release();
        }
      }
    };
    // As StartExecution does in AWS, answer first and run after: the caller's response is not held
    // up by the first steps, which would otherwise start in this same turn of the event loop.
    setImmediate(() => (time ? time.within(moment, start) : start()));
    const start = () => {
      if (this.stopped) {
        execution.status = 'ABORTED';
        return done();
      }
      const run = machine.run({ ...input } as never, {
        overrides: { taskResourceLocalHandlers: this.adapters as never, retryIntervalOverrides: this.retryIntervalOverrides },
        noThrowOnAbort: true,
        context: {
          Execution: {
            Id: `arn:aws:states:local:000000000000:execution:referral:${execution.name}`,
            Name: execution.name,
            Input: { ...input } as never,
            StartTime: startedAt,
          },
          Task: { Token: TASK_TOKEN_MARKER },
        },
      });
      this.aborts.set(execution.name, run.abort);
      // The forecast's tens of thousands of executions do without the state-by-state record.
      if (!time) void this.recordStates(run.eventLogs, execution).catch(() => undefined);
      run.result
        .then(
          (output) => {
            if (execution.status === 'ABORTED') return;
            execution.status = 'SUCCEEDED';
            execution.output = output;
            this.log(`[workflow] ${execution.name} succeeded (${execution.states.at(-1) ?? ''})`);
          },
          (error: Error) => {
            execution.status = 'FAILED';
            execution.error = error.name;
            this.log(`[workflow] ${execution.name} failed: ${error.name}`);
          },
        )
        .finally(done);
    };
    return { alreadyStarted: false };
  }

  private async recordStates(events: AsyncGenerator<{ type: string; state?: { name: string } }>, execution: LocalExecution) {
    for await (const event of events) if (event.type === 'StateEntered' && event.state) execution.states.push(event.state.name);
  }

  /**
   * Stops every execution still running (they are in memory only: see the README on restarts).
   * Steps waiting for a person stop waiting; nothing is written.
   */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    // Abort first: a wait rejected while its execution still runs would be retried (and fail noisily).
    for (const [name, abort] of this.aborts) {
      const execution = this.executions.get(name);
      if (execution?.status !== 'RUNNING') continue;
      execution.status = 'ABORTED';
      abort();
    }
    for (const { reject } of this.waiting.values()) reject(new Error('local runtime stopped'));
    this.waiting.clear();
  }

  /** How many steps are waiting for a person right now. */
  waitingCount(): number {
    return this.waiting.size;
  }

  execution(name: string): LocalExecution | undefined {
    return this.executions.get(name);
  }

  list(): LocalExecution[] {
    return [...this.executions.values()];
  }

  /** Resolves when every execution started so far has finished (tests, shutdown). */
  async settle(): Promise<void> {
    await Promise.all([...this.executions.values()].map((e) => e.done));
  }
}
