/** Workflow task: screen a referral (red flags, suggested service) and record the result. */
import * as z from 'zod';

import { taskHandler } from '../../shared/http/task.js';
import { screenAndRecord } from '../../shared/services/screening.js';

export const handler = taskHandler(z.object({ referralId: z.string() }), ({ referralId }) => screenAndRecord(referralId));
