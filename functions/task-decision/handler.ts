/** POST /tasks/{link}: record the clinician's decision, once, and resume the workflow. */
import { SLOT_TAKEN } from '../../shared/http/booking-pages.js';
import { formBody, pageHandler } from '../../shared/http/pages.js';
import { closedLinkPage, decidedPage, openTaskPage } from '../../shared/http/task-pages.js';
import { submitDecision } from '../../shared/services/decisions.js';

export const handler = pageHandler(async (event) => {
  const form = formBody(event);
  const result = await submitDecision(event.pathParameters?.link ?? '', form);
  switch (result.state) {
    case 'decided':
      return decidedPage(result.referral, result.task);
    case 'invalid-form':
      return openTaskPage(result.task, result.referral, result.issues, form, 400);
    case 'slot-taken':
      return openTaskPage(result.task, result.referral, [SLOT_TAKEN], form, 400);
    default:
      return closedLinkPage(result);
  }
});
