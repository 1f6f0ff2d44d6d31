/** POST /tasks/{link}: record the signed-in person's decision, once, and resume the workflow. */
import { DECIDED_BY, mayDecide } from '../../shared/domain/staff.js';
import type { StepKind } from '../../shared/domain/vocabulary.js';
import { SLOT_TAKEN } from '../../shared/http/booking-pages.js';
import { forbiddenPage, staffPageHandler } from '../../shared/http/staff-pages.js';
import { attemptRecordedPage, closedLinkPage, decidedPage, openTaskPage } from '../../shared/http/task-pages.js';
import { resolveLink, submitDecision } from '../../shared/services/decisions.js';

export const handler = staffPageHandler(async (event, session, form) => {
  const signed = event.pathParameters?.link ?? '';
  const link = await resolveLink(signed);
  if (link.state === 'open' && !mayDecide(session.user, link.task.kind as StepKind))
    return forbiddenPage(DECIDED_BY[link.task.kind as StepKind]);
  const result = await submitDecision(signed, form, session.user);
  switch (result.state) {
    case 'decided':
      return decidedPage(result.referral, result.task);
    case 'invalid-form':
      return openTaskPage(result.task, result.referral, session, result.issues, form, 400);
    case 'attempt-recorded':
      return attemptRecordedPage(result.referral, result.texted, result.nextAttemptFrom);
    case 'slot-taken':
      return openTaskPage(result.task, result.referral, session, [SLOT_TAKEN], form, 400);
    default:
      return closedLinkPage(result);
  }
});
