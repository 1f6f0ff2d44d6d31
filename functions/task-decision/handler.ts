/** POST /tasks/{link}: record the clinician's decision, once, and resume the workflow. */
import { formBody, pageHandler } from '../../shared/http/pages.js';
import { closedLinkPage, decidedPage, openTaskPage } from '../../shared/http/task-pages.js';
import { choosableSlots } from '../../shared/services/booking.js';
import { submitDecision } from '../../shared/services/decisions.js';

export const handler = pageHandler(async (event) => {
  const form = formBody(event);
  const result = await submitDecision(event.pathParameters?.link ?? '', form);
  if (result.state === 'decided') return decidedPage(result.referral, result.task);
  if (result.state === 'invalid-form') {
    const slots = result.task.kind === 'booking' ? await choosableSlots(result.referral, { anyTime: true }) : [];
    return openTaskPage(result.task, result.referral, result.issues, form, 400, slots);
  }
  return closedLinkPage(result);
});
