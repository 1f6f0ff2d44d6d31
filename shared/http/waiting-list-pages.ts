/**
 * The waiting list where people use it: the booking team's page in the workspace (counts by band
 * per service, then the longest waiters, with names and numbers to phone), and the weekly return
 * for a commissioner as CSV. The rules are in domain/waiting-list.ts.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { stringify } from 'csv-stringify/sync';

import { numbersToCall } from '../domain/contact.js';
import { serviceName } from '../domain/screening.js';
import { ukTime } from '../domain/time.js';
import { type BandCounts, WAIT_BANDS, type WaitingListSummary } from '../domain/waiting-list.js';
import type { WaitingList } from '../services/waiting-list.js';
import { csvAttachment, spreadsheetSafe } from './api.js';
import { html, page, table } from './html.js';
import { type StaffSession, telephoneLinks } from './staff-pages.js';
import { workspaceNav } from './workspace-pages.js';

const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
/** "45 days (6 weeks 3 days)". */
const waited = (days: number) => `${count(days, 'day')} (${count(Math.floor(days / 7), 'week')} ${count(days % 7, 'day')})`;

/** The weekly return: a row per service and one for all, a column per band, the week in every row. */
export function waitingListCsv(summary: WaitingListSummary, weekEnding: string): string {
  const row = (code: string, name: string, counts: BandCounts) => [
    weekEnding,
    code,
    name,
    ...WAIT_BANDS.map((b) => counts[b.id]),
    counts.total,
  ];
  return stringify(
    [...summary.services.map((s) => row(s.service, serviceName(s.service), s)), row('total', 'All services', summary.total)],
    {
      header: true,
      columns: ['Week ending (Sunday)', 'Service code', 'Service', ...WAIT_BANDS.map((b) => b.label), 'Total waiting'],
      cast: { string: spreadsheetSafe },
    },
  );
}

export function waitingListCsvResponse(summary: WaitingListSummary, weekEnding: string): APIGatewayProxyResult {
  return csvAttachment(`msk-waiting-list-week-ending-${weekEnding}.csv`, waitingListCsv(summary, weekEnding));
}

/** The page's count table: the services someone waits for, and all. */
function countsTable(summary: WaitingListSummary) {
  const row = (name: string, c: BandCounts) => [name, ...WAIT_BANDS.map((b) => c[b.id]), c.total];
  return table(
    ['Service', ...WAIT_BANDS.map((b) => b.label), 'Total'],
    [...summary.services.filter((s) => s.total > 0).map((s) => row(serviceName(s.service), s)), row('All services', summary.total)],
    'Waiting by service and weeks waited',
  );
}

/** The booking team's page: who has waited longest for a first appointment, now. */
export function waitingListPage(session: StaffSession, list: WaitingList, shown: WaitingList['waiters']): APIGatewayProxyResult {
  const { summary } = list;
  const rows = shown.map((w) => {
    const r = w.referral;
    const band = WAIT_BANDS.find((b) => b.id === w.band)!;
    return [
      html`<a href="/dashboard/referrals/${r.id}">${r.id}</a>`,
      r.patient ? `${r.patient.givenName} ${r.patient.familyName}` : 'Details removed (retention)',
      r.patient ? telephoneLinks(numbersToCall(r.patient)) : '–',
      waited(w.daysWaited),
      band.label,
      serviceName(w.service),
      html`<strong class="nhsuk-tag${w.priority === 'urgent' ? ' nhsuk-tag--red' : ' nhsuk-tag--grey'}">${w.priority}</strong>`,
      r.referrer ? r.referrer.odsCode : 'Self-referral',
      r.status.replaceAll('_', ' '),
    ];
  });
  return page({
    title: 'Waiting list',
    content: html`${workspaceNav(session, '/staff/waiting-list')}
<h1>Waiting list</h1>
<p>Patients waiting for a first appointment at ${ukTime(summary.asOf)}: <strong>${summary.total.total}</strong>, longest first.
The wait starts on the day the referral arrived and ends when the patient is seen at an appointment (a missed, moved or
cancelled appointment does not end it), or when the referral closes without one.</p>
${countsTable(summary)}
<h2>Longest waiters</h2>
${
  rows.length
    ? table(
        ['Reference', 'Patient', 'Telephone', 'Waited', 'Band', 'Service', 'Priority', 'Practice', 'Status'],
        rows,
        shown.length < list.waiters.length
          ? `The ${shown.length} longest waiters of ${list.waiters.length}`
          : `All ${shown.length} waiting, longest first`,
      )
    : html`<p>Nobody is waiting for a first appointment.</p>`
}
<p class="nhsuk-body-s">The weekly return for commissioners, as of the end of last Sunday:
<a href="/waiting-list.csv">download the CSV</a>.</p>`,
  });
}
