/**
 * Workflow task: a step failed beyond its retries. Either the journey stops (the referral is marked
 * and the service lead alerted) or, for a text it can do without, it is recorded and goes on.
 */
import * as z from 'zod';

import { stateMachineTask } from '../../shared/http/state-machine-task.js';
import { recordTextNotSent, recordWorkflowFailure } from '../../shared/services/failures.js';

const input = z.object({
  referralId: z.string(),
  error: z.object({ Error: z.string() }).loose(),
  textNotSent: z.literal('acknowledgement').optional(),
});

export const handler = stateMachineTask(input, ({ referralId, error, textNotSent }) =>
  textNotSent ? recordTextNotSent(referralId, textNotSent, error.Error) : recordWorkflowFailure(referralId, error.Error),
);
