/** Workflow task: a human step's wait timed out (reminders, SLA breach, escalation, closure). */
import * as z from 'zod';

import { taskHandler } from '../../shared/http/task.js';
import { taskTimedOut } from '../../shared/services/tasks.js';

const input = z.object({ referralId: z.string(), kind: z.enum(['triage', 'senior-review', 'information', 'booking', 'outcome']) });

export const handler = taskHandler(input, (timer) => taskTimedOut(timer));
