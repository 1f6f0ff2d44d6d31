/** Workflow task: a human step's wait timed out (reminders, SLA breach, escalation, closure). */
import * as z from 'zod';

import { STEP_KINDS } from '../../shared/domain/vocabulary.js';
import { stateMachineTask } from '../../shared/http/state-machine-task.js';
import { stepTimedOut } from '../../shared/services/steps/index.js';

const input = z.object({ referralId: z.string(), kind: z.enum(STEP_KINDS) });

export const handler = stateMachineTask(input, (timer) => stepTimedOut(timer));
