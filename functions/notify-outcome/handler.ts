/** Workflow task: tell the referrer (or a self-referring patient) how the referral was closed. */
import * as z from 'zod';

import { NOTICES } from '../../shared/domain/vocabulary.js';
import { stateMachineTask } from '../../shared/http/state-machine-task.js';
import { notifyOutcome } from '../../shared/services/notifications.js';

const input = z.object({
  referralId: z.string(),
  notice: z.enum(NOTICES),
});

export const handler = stateMachineTask(input, ({ referralId, notice }) => notifyOutcome(referralId, notice));
