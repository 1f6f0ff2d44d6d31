/** Workflow callback task: a human step starts waiting; store its task token behind a link and tell who must act. */
import * as z from 'zod';

import { STEP_KINDS } from '../../shared/domain/vocabulary.js';
import { stateMachineTask } from '../../shared/http/state-machine-task.js';
import { openStep } from '../../shared/services/steps/index.js';

const input = z.object({ referralId: z.string(), kind: z.enum(STEP_KINDS), taskToken: z.string().min(1) });

export const handler = stateMachineTask(input, (step) => openStep(step));
