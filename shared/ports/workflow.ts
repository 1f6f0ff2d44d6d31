/** Starting and steering referral workflows: Step Functions in AWS, the local runner locally. */
import { config } from '../config.js';
import { onFirstUse } from './on-first-use.js';

export interface WorkflowInput {
  referralId: string;
}

/** A person's retry: where to re-enter, what that state needs, and which retry this is. */
export interface RetryInput extends WorkflowInput {
  resumeAt: string;
  attempt: number;
  [key: string]: unknown;
}

/** The workflow is not waiting on this token (it timed out and moved on, or finished). */
export class TaskNotWaitingError extends Error {
  override name = 'TaskNotWaiting';
}

export interface Workflow {
  /**
   * Starts the referral's workflow, named after the referral so that it can only ever run once.
   * Starting it again is harmless: it resolves with `alreadyStarted: true`.
   */
  startReferralWorkflow(input: WorkflowInput): Promise<{ alreadyStarted: boolean }>;
  /**
   * Starts the workflow again for a referral whose journey stopped, entering at `resumeAt` (the
   * ASL's Begin state routes there), as its own execution `<id>-retry-<attempt>`: each retry runs once.
   */
  retryReferralWorkflow(input: RetryInput): Promise<{ alreadyStarted: boolean }>;
  /**
   * Completes the step waiting on `token` with `output`; TaskNotWaitingError if none is, including
   * an empty token: a step whose record exists before the workflow starts waiting on it (booking)
   * has no token yet, and the workflow finds the decision when it does start (AlreadyDecided).
   * The rule lives here, in the contract, rather than in a caller: every caller already handles
   * TaskNotWaitingError, and no caller can then hand Step Functions a token it refuses.
   */
  sendTaskSuccess(token: string, output: object): Promise<void>;
}

const NOT_WAITING = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

const sfnSdk = onFirstUse(async () => {
  const sdk = await import('@aws-sdk/client-sfn');
  return { sdk, client: new sdk.SFNClient({}) };
});

/**
 * Starts an execution. Only ids and timings travel: patient data stays in DynamoDB, out of
 * execution history. Same name: that execution exists (running or finished); AWS answers a
 * same-input start of a running one with success, and a finished one with ExecutionAlreadyExists.
 */
async function started(start: Promise<unknown>): Promise<{ alreadyStarted: boolean }> {
  try {
    await start;
    return { alreadyStarted: false };
  } catch (error) {
    if ((error as Error).name === 'ExecutionAlreadyExists') return { alreadyStarted: true };
    throw error;
  }
}

export function stepFunctionsWorkflow(): Workflow {
  return {
    async startReferralWorkflow(input) {
      const { sdk, client } = await sfnSdk();
      const execution = { stateMachineArn: config().STATE_MACHINE_ARN, name: input.referralId, input: JSON.stringify(input) };
      return started(client.send(new sdk.StartExecutionCommand(execution)));
    },
    async retryReferralWorkflow({ attempt, ...input }) {
      const { sdk, client } = await sfnSdk();
      const name = `${input.referralId}-retry-${attempt}`;
      return started(
        client.send(new sdk.StartExecutionCommand({ stateMachineArn: config().STATE_MACHINE_ARN, name, input: JSON.stringify(input) })),
      );
    },
    async sendTaskSuccess(token, output) {
      // Step Functions refuses an empty token as a ValidationException (a 5xx to the person).
      if (!token) throw new TaskNotWaitingError('NoTokenYet');
      const { sdk, client } = await sfnSdk();
      try {
        await client.send(new sdk.SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
      } catch (error) {
        if (NOT_WAITING.has((error as Error).name)) throw new TaskNotWaitingError((error as Error).name);
        throw error;
      }
    },
  };
}
