/**
 * GET /tasks/{link}: the decision page an email links to, for a signed-in person whose role decides
 * this step (without a session: sign in, then back here). Reads only, apart from recording who
 * saw the patient's details: mail scanners open links before people do.
 */
import { DECIDED_BY, mayDecide } from '../../shared/domain/staff.js';
import type { StepKind } from '../../shared/domain/vocabulary.js';
import { forbiddenPage, staffPageHandler } from '../../shared/http/staff-pages.js';
import { closedLinkPage, openTaskPage } from '../../shared/http/task-pages.js';
import { recordViews } from '../../shared/services/access-log.js';
import { resolveLink } from '../../shared/services/decisions.js';

export const handler = staffPageHandler(async (event, session) => {
  const link = await resolveLink(event.pathParameters?.link ?? '');
  if (link.state !== 'open') return closedLinkPage(link);
  const kind = link.task.kind as StepKind;
  if (!mayDecide(session.user, kind)) return forbiddenPage(DECIDED_BY[kind]);
  await recordViews(session.user, [link.referral.id], `${kind} decision page`);
  // The query only chooses what to show (the call page's appointments for a service and priority).
  const shown = Object.fromEntries(Object.entries(event.queryStringParameters ?? {}).filter(([k]) => k === 'service' || k === 'priority'));
  return openTaskPage(link.task, link.referral, session, [], shown as Record<string, string>);
});
