/** Workflow task: screen a referral (red flags, suggested service) and record the result. */
import * as z from 'zod';

import { stateMachineTask } from '../../shared/http/state-machine-task.js';
import { screenAndRecord } from '../../shared/services/screening.js';

export const handler = stateMachineTask(z.object({ referralId: z.string() }), ({ referralId }) => screenAndRecord(referralId));
