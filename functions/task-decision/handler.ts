/** POST /tasks/{link}: record the clinician's decision, once, and resume the workflow. */
import { formBody, pageHandler } from '../../shared/http/pages.js';
import { closedLinkPage, decidedPage, openTaskPage } from '../../shared/http/task-pages.js';
import { submitDecision } from '../../shared/services/decisions.js';

export const handler = pageHandler(async (event) => {
  const form = formBody(event);
  const result = await submitDecision(event.pathParameters?.link ?? '', form);
  if (result.state === 'decided') return decidedPage(result.referral);
  if (result.state === 'invalid-form') return openTaskPage(result.task, result.referral, result.issues, form, 400);
  return closedLinkPage(result);
});
