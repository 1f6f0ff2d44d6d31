/** Starting and steering referral workflows: Step Functions in AWS, the local runner locally. */
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { config } from '../config.js';

export interface WorkflowInput {
  referralId: string;
}

export interface Workflow {
  /**
   * Starts the referral's workflow, named after the referral so that it can only ever run once.
   * Starting it again is harmless: it resolves with `alreadyStarted: true`.
   */
  startReferralWorkflow(input: WorkflowInput): Promise<{ alreadyStarted: boolean }>;
}

export function stepFunctionsWorkflow(client = new SFNClient({})): Workflow {
  return {
    async startReferralWorkflow(input) {
      try {
        await client.send(
          new StartExecutionCommand({
            stateMachineArn: config().STATE_MACHINE_ARN,
            name: input.referralId,
            // Only the id travels: patient data stays in DynamoDB, out of execution history.
            input: JSON.stringify(input),
          }),
        );
        return { alreadyStarted: false };
      } catch (error) {
        // Same name: an execution for this referral exists (running or finished). AWS answers a
        // same-input start of a running one with success, and a finished one with this error.
        if (error instanceof ExecutionAlreadyExists) return { alreadyStarted: true };
        throw error;
      }
    },
  };
}
