/**
 * Runs statemachines/referral.asl.json, the same file CDK deploys, with aws-local-stepfunctions.
 * Each Task state's AWS resource is replaced by a local adapter chosen from its Resource ARN
 * (here: lambda:invoke calls the same handler module Lambda would run). Executions live in memory.
 */
import './polyfills.js';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';
import type { Context } from 'aws-lambda';
import { lambdaFunctions, type FunctionName } from '../shared/functions.js';
import type { Workflow, WorkflowInput } from '../shared/ports/workflow.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ASL_FILE = resolve(REPO_ROOT, 'statemachines/referral.asl.json');
const LOCAL_ACCOUNT = 'arn:aws:lambda:local:000000000000:function';

type AslState = { Type: string; Resource?: string; Parameters?: Record<string, unknown>; States?: Record<string, AslState> };
export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  [key: string]: unknown;
}

/** The substitutions CDK passes as definitionSubstitutions, with local stand-in values. */
export function localSubstitutions(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, fn] of Object.entries(lambdaFunctions)) {
    if ('aslKey' in fn) values[fn.aslKey] = `${LOCAL_ACCOUNT}:${name}`;
  }
  return values;
}

/** Reads the ASL file and fills `${Key}` placeholders; refuses to run with any left unfilled. */
export function loadDefinition(substitutions: Record<string, string> = localSubstitutions()): AslDefinition {
  const text = readFileSync(ASL_FILE, 'utf8').replace(/\$\{(\w+)\}/g, (placeholder, key: string) => substitutions[key] ?? placeholder);
  const missing = text.match(/\$\{\w+\}/g);
  if (missing) throw new Error(`no local value for ${[...new Set(missing)].join(', ')} in ${ASL_FILE}`);
  return JSON.parse(text) as AslDefinition;
}

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
    invokedFunctionArn: `${LOCAL_ACCOUNT}:${functionName}`,
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

type TaskAdapter = (input: unknown) => Promise<unknown>;

/** lambda:invoke: call the handler with the Payload, answer in the integration's shape. */
function lambdaInvokeAdapter(stateName: string, parameters: Record<string, unknown> | undefined): TaskAdapter {
  const arn = String(parameters?.FunctionName ?? '');
  const name = arn.startsWith(`${LOCAL_ACCOUNT}:`) ? (arn.slice(LOCAL_ACCOUNT.length + 1) as FunctionName) : undefined;
  if (!name || !(name in lambdaFunctions)) throw new Error(`state ${stateName}: no local function for ${arn}`);
  return async (input) => {
    const handler = await loadHandler(name);
    const payload = (input as { Payload?: unknown }).Payload;
    // Errors keep their name, which is what Retry/Catch match on, as with a real Lambda.
    const result = await handler(payload, lambdaContext(name));
    return { Payload: result ?? null, StatusCode: 200 };
  };
}

/** One local adapter for every Task state, chosen by its Resource; unknown resources fail fast. */
export function taskAdapters(definition: AslDefinition): Record<string, TaskAdapter> {
  const adapters: Record<string, TaskAdapter> = {};
  for (const [stateName, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Task') continue;
    if (state.Resource === 'arn:aws:states:::lambda:invoke') adapters[stateName] = lambdaInvokeAdapter(stateName, state.Parameters);
    else throw new Error(`state ${stateName}: the local runtime has no adapter for ${state.Resource}`);
  }
  return adapters;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface LocalExecution {
  name: string;
  input: WorkflowInput;
  status: ExecutionStatus;
  startedAt: string;
  output?: unknown;
  error?: string;
  done: Promise<void>;
}

export interface LocalWorkflowOptions {
  definition?: AslDefinition;
  log?: (line: string) => void;
  /** Pause before every retry, in ms, instead of the definition's back-off (tests). */
  retryPauseMs?: number;
}

/** The Workflow port, locally: one in-memory execution per referral, named after it. */
export class LocalWorkflow implements Workflow {
  private readonly machine: StateMachine;
  private readonly adapters: Record<string, TaskAdapter>;
  private readonly executions = new Map<string, LocalExecution>();

  private readonly retryIntervalOverrides: Record<string, number>;
  private readonly log: (line: string) => void;

  constructor(options: LocalWorkflowOptions = {}) {
    const definition = options.definition ?? loadDefinition();
    this.log = options.log ?? (() => undefined);
    this.machine = new StateMachine(definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
    this.adapters = taskAdapters(definition);
    // Tests that drive retries to exhaustion set a fixed pause instead of the real back-off.
    this.retryIntervalOverrides =
      options.retryPauseMs === undefined
        ? {}
        : Object.fromEntries(Object.keys(definition.States).map((name) => [name, options.retryPauseMs!]));
  }

  async startReferralWorkflow(input: WorkflowInput): Promise<{ alreadyStarted: boolean }> {
    if (this.executions.has(input.referralId)) return { alreadyStarted: true };
    const startedAt = new Date().toISOString();
    const execution: LocalExecution = { name: input.referralId, input, status: 'RUNNING', startedAt, done: Promise.resolve() };
    this.executions.set(execution.name, execution);
    const run = this.machine.run(
      { ...input },
      {
        overrides: { taskResourceLocalHandlers: this.adapters as never, retryIntervalOverrides: this.retryIntervalOverrides },
        context: {
          Execution: {
            Id: `arn:aws:states:local:000000000000:execution:referral:${execution.name}`,
            Name: execution.name,
            Input: { ...input },
            StartTime: startedAt,
          },
        },
      },
    );
    execution.done = run.result.then(
      (output) => {
        execution.status = 'SUCCEEDED';
        execution.output = output;
        this.log(`[workflow] ${execution.name} succeeded`);
      },
      (error: Error) => {
        execution.status = 'FAILED';
        execution.error = error.name;
        this.log(`[workflow] ${execution.name} failed: ${error.name}`);
      },
    );
    return { alreadyStarted: false };
  }

  execution(name: string): LocalExecution | undefined {
    return this.executions.get(name);
  }

  list(): LocalExecution[] {
    return [...this.executions.values()];
  }

  /** Resolves when every execution started so far has finished (used on shutdown and by tests). */
  async settle(): Promise<void> {
    await Promise.all([...this.executions.values()].map((e) => e.done));
  }
}
