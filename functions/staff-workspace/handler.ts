/**
 * The staff workspace: GET /staff (the queues, with counts and the oldest item), GET
 * /staff/{queue} (a queue, a page at a time), GET /staff/find, GET /staff/access (service lead), GET
 * /staff/waiting-list (the longest waiters for a first appointment; booking team),
 * and POST /staff/claims/{id} (claim or release a referral). Every list showing patient details,
 * and every search result, is recorded in the access log.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';

import { config } from '../../shared/config.js';
import type { FieldIssue } from '../../shared/domain/field-issues.js';
import { periodBounds } from '../../shared/domain/figures.js';
import { normaliseNhsNumber } from '../../shared/domain/nhs-number.js';
import { hasRole } from '../../shared/domain/staff.js';
import { DAY_MS } from '../../shared/domain/time.js';
import { messagePage } from '../../shared/http/html.js';
import { forbiddenPage, safeReturnPath, staffPageHandler, type StaffSession } from '../../shared/http/staff-pages.js';
import { waitingListPage } from '../../shared/http/waiting-list-pages.js';
import { accessPage, findPage, queuePageView, workspaceHome } from '../../shared/http/workspace-pages.js';
import { isReferralId } from '../../shared/ids.js';
import { accessesByUser, accessesToReferral, recordViews } from '../../shared/services/access-log.js';
import { findReferrals } from '../../shared/services/find.js';
import { taskLink } from '../../shared/services/links.js';
import { WAITING_LIST_ROLES, waitingListAsOf } from '../../shared/services/waiting-list.js';
import {
  claim,
  closeStopped,
  NotStoppedError,
  type QueueName,
  queuePage,
  QUEUES,
  queueSize,
  retryStopped,
} from '../../shared/services/workspace.js';

/** A queue's name (own keys only: `/staff/constructor` is not a queue). */
const isQueue = (name: string | undefined): name is QueueName => !!name && Object.hasOwn(QUEUES, name);

const seeOther = (path: string): APIGatewayProxyResult => ({
  statusCode: 303,
  headers: { Location: `${config().PUBLIC_BASE_URL}${path}`, 'Cache-Control': 'no-store' },
  body: '',
});

async function home(session: StaffSession) {
  const names = (Object.keys(QUEUES) as QueueName[]).filter((name) => hasRole(session.user, ...QUEUES[name].roles));
  const sizes = new Map(await Promise.all(names.map(async (name) => [name, await queueSize(name)] as const)));
  return workspaceHome(session, sizes);
}

async function queue(session: StaffSession, name: QueueName, after: string | undefined, notice?: string) {
  const spec = QUEUES[name];
  if (!hasRole(session.user, ...spec.roles)) return forbiddenPage(spec.roles);
  const { rows, next } = await queuePage(name, after);
  // A row opens its step's decision page (the same page the email links to).
  const links = new Map(
    await Promise.all(
      rows.flatMap(({ referral }) =>
        'step' in spec && referral.openTask?.kind === spec.step
          ? [taskLink(referral.openTask.taskId).then((l) => [referral.id, l] as const)]
          : [],
      ),
    ),
  );
  if ('showsPatient' in spec && spec.showsPatient)
    await recordViews(
      session.user,
      rows.map((r) => r.referral.id),
      spec.title,
    );
  return queuePageView(session, name, rows, links, next, notice);
}

/** Longest waiters shown (and recorded as seen) on the waiting list page. */
const LONGEST_SHOWN = 100;

/** The waiting list for a first appointment, now: the booking team phones the longest waiters. */
async function waitingList(session: StaffSession) {
  if (!hasRole(session.user, ...WAITING_LIST_ROLES)) return forbiddenPage(WAITING_LIST_ROLES);
  const list = await waitingListAsOf();
  const shown = list.waiters.slice(0, LONGEST_SHOWN);
  await recordViews(
    session.user,
    shown.map((w) => w.referralId),
    'Waiting list',
  );
  return waitingListPage(session, list, shown);
}

async function find(session: StaffSession, query: Record<string, string | undefined>) {
  const q = query.q?.trim();
  if (!q) return findPage(session, {}, [], undefined);
  const issues: FieldIssue[] = [];
  const nhsNumber = normaliseNhsNumber(q);
  if (!isReferralId(q) && !nhsNumber) issues.push({ path: 'q', message: 'Enter a referral reference or a 10-digit NHS number' });
  if (!query.reason?.trim()) issues.push({ path: 'reason', message: 'Say why you are looking (it is recorded)' });
  if (issues.length) return findPage(session, { q, reason: query.reason }, issues, undefined, 400);
  const found = await findReferrals(isReferralId(q) ? { id: q } : { nhsNumber: nhsNumber! });
  await recordViews(
    session.user,
    found.map((r) => r.id),
    'search result',
    query.reason!.trim(),
  );
  return findPage(session, { q, reason: query.reason }, [], found);
}

async function access(session: StaffSession, query: Record<string, string | undefined>) {
  if (!hasRole(session.user, 'service-lead')) return forbiddenPage(['service-lead']);
  if (query.referral) return accessPage(session, `Who saw referral ${query.referral}`, await accessesToReferral(query.referral.trim()));
  if (query.user) {
    const today = new Date().toISOString().slice(0, 10);
    const period = { from: query.from || new Date(Date.now() - 28 * DAY_MS).toISOString().slice(0, 10), to: query.to || today };
    const { start, end } = periodBounds(period);
    const title = `What ${query.user} saw, ${period.from} to ${period.to}`;
    return accessPage(session, title, await accessesByUser(query.user.trim(), start, end));
  }
  return accessPage(session, '', []);
}

async function close(session: StaffSession, id: string, form: Record<string, string>) {
  if (!hasRole(session.user, 'service-lead')) return forbiddenPage(['service-lead']);
  const back = safeReturnPath(form.return).split('/')[2] as QueueName;
  const name = isQueue(back) ? back : 'needs-action';
  const reason = form.reason?.trim() ?? '';
  if (!reason) return queue(session, name, undefined, `Give a reason to close ${id}: what was done by hand.`);
  try {
    if (!(await closeStopped(id, session.user, reason.slice(0, 2000))))
      return messagePage(404, 'Page not found', 'There is no such referral.');
  } catch (error) {
    if (!(error instanceof NotStoppedError)) throw error;
    return queue(session, name, undefined, `${id} is no longer stopped: nothing was changed.`);
  }
  return queue(session, name, undefined, `${id} closed.`);
}

async function retry(session: StaffSession, id: string, form: Record<string, string>) {
  if (!hasRole(session.user, 'service-lead')) return forbiddenPage(['service-lead']);
  const back = safeReturnPath(form.return).split('/')[2] as QueueName;
  const name = isQueue(back) ? back : 'needs-action';
  try {
    const result = await retryStopped(id, session.user);
    if (!result) return messagePage(404, 'Page not found', 'There is no such referral.');
    if (result.state === 'cannot-retry') return queue(session, name, undefined, `${id} cannot be retried: ${result.why}.`);
    return queue(session, name, undefined, `${id} started again: it is ${result.referral.status.replaceAll('_', ' ')}.`);
  } catch (error) {
    if (!(error instanceof NotStoppedError)) throw error;
    return queue(session, name, undefined, `${id} is no longer stopped: nothing was changed.`);
  }
}

export const handler = staffPageHandler(async (event, session, form) => {
  const query = event.queryStringParameters ?? {};
  const id = event.pathParameters?.id ?? '';
  if (event.httpMethod === 'POST' && event.resource === '/staff/close/{id}') return close(session, id, form);
  if (event.httpMethod === 'POST' && event.resource === '/staff/retry/{id}') return retry(session, id, form);
  if (event.httpMethod === 'POST' && event.resource === '/staff/find') return find(session, form);
  if (event.httpMethod === 'POST') {
    const back = safeReturnPath(form.return);
    const result = await claim(id, session.user, form.action === 'release' ? 'release' : 'claim');
    if (!result) return messagePage(404, 'Page not found', 'There is no such referral.');
    if (result.state === 'forbidden') return forbiddenPage(result.roles);
    if (result.state === 'taken') {
      const name = back.split('/')[2] as QueueName;
      if (isQueue(name)) return queue(session, name, undefined, `${id} is already claimed by ${result.byName}.`);
    }
    return seeOther(back);
  }
  const name = event.pathParameters?.queue;
  if (!name) return home(session);
  if (name === 'find') return find(session, {});
  if (name === 'access') return access(session, query);
  if (name === 'waiting-list') return waitingList(session);
  if (isQueue(name)) return queue(session, name, query.after);
  return messagePage(404, 'Page not found', 'There is no such page in the workspace.');
});
