/** GET /tasks/{link}: the decision page. Reads only: mail scanners open links before people do. */
import { pageHandler } from '../../shared/http/pages.js';
import { closedLinkPage, openTaskPage } from '../../shared/http/task-pages.js';
import { resolveLink } from '../../shared/services/decisions.js';

export const handler = pageHandler(async (event) => {
  const link = await resolveLink(event.pathParameters?.link ?? '');
  if (link.state !== 'open') return closedLinkPage(link);
  return openTaskPage(link.task, link.referral);
});
