/** Workflow task: a step failed beyond its retries; mark the referral so that people see it. */
import { z } from 'zod';
import { taskHandler } from '../../shared/http/task.js';
import { recordWorkflowFailure } from '../../shared/services/failures.js';

const input = z.object({ referralId: z.string(), error: z.object({ Error: z.string() }).loose() });

export const handler = taskHandler(input, ({ referralId, error }) => recordWorkflowFailure(referralId, error.Error));
