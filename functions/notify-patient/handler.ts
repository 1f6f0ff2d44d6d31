/** Workflow task: text the patient from a named template (no clinical detail). */
import * as z from 'zod';

import { type SmsTemplateName, smsTemplates } from '../../shared/domain/sms.js';
import { taskHandler } from '../../shared/http/task.js';
import { textPatient } from '../../shared/services/notifications.js';

const input = z.object({
  referralId: z.string(),
  template: z.enum(Object.keys(smsTemplates) as [SmsTemplateName, ...SmsTemplateName[]]),
});

export const handler = taskHandler(input, ({ referralId, template }) => textPatient(referralId, template));
