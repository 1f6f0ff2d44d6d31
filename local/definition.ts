/**
 * Loading the ASL file for the local runner, and the one place where it is adapted to run here:
 * placeholders filled with local stand-ins, and business-time waits scaled by the clock speed-up.
 * Compute timeouts (a Lambda's 30 s) are left alone: a faster clock does not make code faster.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { lambdaFunctions } from '../shared/functions.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ASL_FILE = resolve(REPO_ROOT, 'statemachines/referral.asl.json');
export const LOCAL_FUNCTION_ARN_PREFIX = 'arn:aws:lambda:local:000000000000:function';

/** The resource of a timestamp Wait as the local runner executes it. */
export const LOCAL_WAIT_UNTIL = 'arn:aws:states:::local:wait-until';
/** Where the runner reads a callback task's timeout (seconds, virtual) from its Parameters. */
export const LOCAL_TIMEOUT_PARAMETER = 'LocalTimeoutSeconds';
/**
 * AWS puts no limit on a Task without TimeoutSeconds (up to the execution's year); the runner's
 * default is 60 s. Node timers overflow past 2^31-1 ms (24.8 days) and then fire at once, so the
 * runner's own limit is lifted to 24 days of real time, beyond which no local wait can run.
 */
const NO_TIMEOUT_SECONDS = 24 * 86_400;

export interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Seconds?: number;
  Timestamp?: string;
  TimestampPath?: string;
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number; IntervalSeconds?: number; MaxDelaySeconds?: number; JitterStrategy?: string }[];
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: { Next: string }[];
  Catch?: { Next: string }[];
  [key: string]: unknown;
}

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  [key: string]: unknown;
}

/** The substitutions CDK passes as definitionSubstitutions, with local stand-in values. */
export function localSubstitutions(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, fn] of Object.entries(lambdaFunctions)) {
    if ('aslKey' in fn) values[fn.aslKey] = `${LOCAL_FUNCTION_ARN_PREFIX}:${name}`;
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

export const isCallbackTask = (state: AslState) => state.Type === 'Task' && String(state.Resource).endsWith('.waitForTaskToken');

/**
 * The definition as the local runner executes it. Same states, same transitions; only timings move:
 * - a callback task's timeout (TimeoutSeconds or TimeoutSecondsPath) becomes a Parameter that the
 *   local callback adapter enforces in virtual time, and the runner's own limit is lifted;
 * - Wait `Seconds` and Retry intervals are divided by the speed-up (and jitter can be turned off);
 * - a Wait until a timestamp becomes a local task that sleeps until the (virtual) clock reaches it.
 */
export function adaptForLocalRun(definition: AslDefinition, speedup: number, options: { retryJitter?: boolean } = {}): AslDefinition {
  const copy = structuredClone(definition);
  for (const state of Object.values(copy.States)) {
    if (isCallbackTask(state)) {
      const timeout = state.TimeoutSecondsPath
        ? { [`${LOCAL_TIMEOUT_PARAMETER}.$`]: state.TimeoutSecondsPath }
        : { [LOCAL_TIMEOUT_PARAMETER]: state.TimeoutSeconds ?? NO_TIMEOUT_SECONDS };
      state.Parameters = { ...state.Parameters, ...timeout };
      delete state.TimeoutSecondsPath;
      state.TimeoutSeconds = NO_TIMEOUT_SECONDS;
    } else if (state.Type === 'Task' && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
      state.TimeoutSeconds = NO_TIMEOUT_SECONDS;
    }
    if (state.Type === 'Wait' && typeof state.Seconds === 'number') state.Seconds = state.Seconds / speedup;
    if (state.Type === 'Wait' && (state.TimestampPath || state.Timestamp)) {
      // A wait until a moment in virtual time: a local task that sleeps until the sped-up clock gets there.
      const until = state.TimestampPath ? { 'until.$': state.TimestampPath } : { until: state.Timestamp };
      for (const key of Object.keys(state)) if (!['Comment', 'Next', 'End', 'InputPath', 'OutputPath'].includes(key)) delete state[key];
      Object.assign(state, {
        Type: 'Task',
        Resource: LOCAL_WAIT_UNTIL,
        Parameters: until,
        ResultPath: null,
        TimeoutSeconds: NO_TIMEOUT_SECONDS,
      });
    }
    for (const retrier of state.Retry ?? []) {
      if (retrier.IntervalSeconds !== undefined) retrier.IntervalSeconds = retrier.IntervalSeconds / speedup;
      else retrier.IntervalSeconds = 1 / speedup;
      if (retrier.MaxDelaySeconds !== undefined) retrier.MaxDelaySeconds = retrier.MaxDelaySeconds / speedup;
      // Without jitter each pause is exactly the back-off, so a test can see it grow.
      if (options.retryJitter === false) retrier.JitterStrategy = 'NONE';
    }
  }
  return copy;
}

/** Every transition a state can take (Next, Default, Choices, Catch), for comparing definitions. */
export function transitions(definition: AslDefinition): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(definition.States).map(([name, s]) => [
      name,
      [s.Next, s.Default, ...(s.Choices ?? []).map((c) => c.Next), ...(s.Catch ?? []).map((c) => c.Next)]
        .filter((x): x is string => Boolean(x))
        .sort(),
    ]),
  );
}
