/** Workflow callback task: store the task token behind a link and tell the people who must act. */
import * as z from 'zod';

import { taskHandler } from '../../shared/http/task.js';
import { openTask } from '../../shared/services/tasks.js';

const input = z.object({
  referralId: z.string(),
  kind: z.enum(['triage', 'senior-review', 'information', 'booking', 'outcome']),
  taskToken: z.string().min(1),
});

export const handler = taskHandler(input, (task) => openTask(task));
