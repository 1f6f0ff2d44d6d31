/** Workflow task: text the patient from a named template (no clinical detail). */
import * as z from 'zod';

import { type SmsTemplateName, smsTemplates } from '../../shared/domain/sms.js';
import { stateMachineTask } from '../../shared/http/state-machine-task.js';
import { textPatient } from '../../shared/services/notifications.js';
import { sendWithQuestionnaire } from '../../shared/services/questionnaire-texts.js';

const input = z.object({
  referralId: z.string(),
  template: z.enum(Object.keys(smsTemplates) as [SmsTemplateName, ...SmsTemplateName[]]),
});

export const handler = stateMachineTask(input, ({ referralId, template }) => textPatient(referralId, template, sendWithQuestionnaire));
