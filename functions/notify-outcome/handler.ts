/** Workflow task: tell the referrer (or a self-referring patient) how the referral was closed. */
import * as z from 'zod';

import { taskHandler } from '../../shared/http/task.js';
import { notifyOutcome } from '../../shared/services/notifications.js';

const input = z.object({
  referralId: z.string(),
  notice: z.enum([
    'returned',
    'redirected',
    'self-management',
    'referred-to-secondary-care',
    'no-information',
    'unable-to-contact',
    'attended-discharged',
    'onward-referral',
    'closed-did-not-attend',
  ]),
});

export const handler = taskHandler(input, ({ referralId, notice }) => notifyOutcome(referralId, notice));
