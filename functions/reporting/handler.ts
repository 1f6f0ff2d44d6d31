/**
 * Staff reporting: GET /metrics (JSON) and /metrics.csv for a period, the /dashboard page, each
 * referral's audit trail (GET /audit/referrals/{id} as JSON, /dashboard/referrals/{id} as a page),
 * and the weekly waiting-list return (GET /waiting-list.csv?weekEnding=YYYY-MM-DD).
 * Reads only.
 */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

import { now } from '../../shared/clock.js';
import { apiHandler, csvAttachment, fieldIssues, HttpError, json, staffOf } from '../../shared/http/api.js';
import { dashboardPage, reportCsv, timelinePage } from '../../shared/http/dashboard-pages.js';
import { pageHandler } from '../../shared/http/pages.js';
import { endOfUkDay, periodQuerySchema, weekEndingQuerySchema } from '../../shared/http/period-query.js';
import { waitingListCsvResponse } from '../../shared/http/waiting-list-pages.js';
import { isReferralId } from '../../shared/ids.js';
import { recordViews } from '../../shared/services/access-log.js';
import { serviceReport } from '../../shared/services/reporting.js';
import { waitingListAsOf } from '../../shared/services/waiting-list.js';
import { getReferralWithTimeline } from '../../shared/store/referrals.js';

function periodOf(event: APIGatewayProxyEvent) {
  const parsed = periodQuerySchema(now()).safeParse(event.queryStringParameters ?? {}, { reportInput: true });
  if (!parsed.success) throw new HttpError(400, 'validation_failed', 'the period is not valid', fieldIssues(parsed.error));
  return parsed.data;
}

async function timelineOf(event: APIGatewayProxyEvent) {
  const id = event.pathParameters?.id ?? '';
  const found = isReferralId(id) ? await getReferralWithTimeline(id) : undefined;
  if (!found) throw new HttpError(404, 'not_found', 'no such referral');
  return found;
}

const api = apiHandler(async (event) => {
  const user = staffOf(event);
  if (event.resource === '/audit/referrals/{id}') {
    const { referral, timeline } = await timelineOf(event);
    await recordViews(user, [referral.id], 'audit trail');
    return json(200, { id: referral.id, status: referral.status, receivedAt: referral.receivedAt, timeline });
  }
  if (event.resource === '/waiting-list.csv') {
    const parsed = weekEndingQuerySchema(now()).safeParse(event.queryStringParameters ?? {}, { reportInput: true });
    if (!parsed.success) throw new HttpError(400, 'validation_failed', 'the week is not valid', fieldIssues(parsed.error));
    const { weekEnding } = parsed.data;
    return waitingListCsvResponse((await waitingListAsOf(endOfUkDay(weekEnding))).summary, weekEnding);
  }
  const { report } = await serviceReport(periodOf(event));
  if (event.resource === '/metrics.csv')
    return csvAttachment(`msk-figures-${report.period.from}-to-${report.period.to}.csv`, reportCsv(report));
  return json(200, report);
});

const pages = pageHandler(async (event) => {
  const user = staffOf(event);
  if (event.resource === '/dashboard/referrals/{id}') {
    const { referral, timeline } = await timelineOf(event);
    await recordViews(user, [referral.id], 'timeline');
    return timelinePage(referral, timeline);
  }
  const { report, records } = await serviceReport(periodOf(event));
  return dashboardPage(
    report,
    records.map((r) => r.referral as Parameters<typeof dashboardPage>[1][number]),
  );
});

export const handler = (event: APIGatewayProxyEvent, context: Context) =>
  event.resource.startsWith('/dashboard') ? pages(event, context) : api(event, context);
