/** Workflow task: tell the referrer (or a self-referring patient) how the referral was closed, then ask the patient how they are. */
import * as z from 'zod';

import { NOTICES } from '../../shared/domain/vocabulary.js';
import { stateMachineTask } from '../../shared/http/state-machine-task.js';
import { notifyOutcome } from '../../shared/services/notifications.js';
import { inviteFollowUp } from '../../shared/services/questionnaire-texts.js';

const input = z.object({
  referralId: z.string(),
  notice: z.enum(NOTICES),
});

export const handler = stateMachineTask(input, async ({ referralId, notice }, context) => {
  const notified = await notifyOutcome(referralId, notice);
  await inviteFollowUp(referralId, notice, context.getRemainingTimeInMillis?.() ?? Infinity);
  return notified;
});
