/**
 * The staff workspace's pages: the home page (each queue with its count and oldest item), a queue
 * (a table a row per referral, with the link that opens its step and a claim button), finding a
 * referral, and the access log. NHS.UK frontend, no script; tables for a laptop, usable on a tablet.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';

import { now } from '../clock.js';
import { REDIRECT_DESTINATIONS, type RedirectDestination } from '../domain/choices.js';
import { numbersToCall } from '../domain/contact.js';
import type { FieldIssue } from '../domain/field-issues.js';
import type { Referral } from '../domain/referral.js';
import { SERVICES } from '../domain/screening.js';
import { hasRole, STAFF_ROLES, type StaffUser } from '../domain/staff.js';
import { DAY_MS, HOUR_MS, ukTime } from '../domain/time.js';
import type { Access } from '../services/access-log.js';
import { nextAttemptFrom } from '../services/steps/call.js';
import { WAITING_LIST_ROLES } from '../services/waiting-list.js';
import { mayRetry, type Queue, type QueueName, type QueueRow, QUEUES, retryRefusal } from '../services/workspace.js';
import { errorSummary, html, page, type SafeHtml, table } from './html.js';
import { csrfField, signedInAs, type StaffSession, telephoneLinks } from './staff-pages.js';

/** The queues a person works (the service lead sees all). */
export const queuesFor = (user: StaffUser) => (Object.entries(QUEUES) as [QueueName, Queue][]).filter(([, q]) => hasRole(user, ...q.roles));

function nav(session: StaffSession, current?: string): SafeHtml {
  const link = (href: string, label: string) =>
    // Ordinary links on the page's white: the header's link style is white text for its blue bar
    // (axe-core found it unreadable here).
    html`<li><a class="nhsuk-link" href="${href}"${
      current === href
        ? html`
 aria-current="page"`
        : ''
    }>${label}</a></li>`;
  const lead = hasRole(session.user, 'service-lead');
  const roles = session.user.roles.map((r) => STAFF_ROLES[r]).join(', ');
  return html`<nav aria-label="Workspace"><ul class="nhsuk-list">
${link('/staff', 'Workspace')}
${queuesFor(session.user).map(([name, q]) => link(`/staff/${name}`, q.title))}
${hasRole(session.user, ...WAITING_LIST_ROLES) ? link('/staff/waiting-list', 'Waiting list') : ''}
${link('/staff/find', 'Find a referral')}
${lead ? link('/staff/access', 'Access log') : ''}${lead ? link('/dashboard', 'Figures') : ''}
</ul></nav>
${signedInAs(session, ` (${roles}).`)}`;
}

export { nav as workspaceNav };

/** "3 h 20 min" or "2 days". */
function duration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= 2 * DAY_MS) return `${Math.floor(abs / DAY_MS)} days`;
  const hours = Math.floor(abs / HOUR_MS);
  const minutes = Math.floor((abs % HOUR_MS) / 60_000);
  return hours ? `${hours} h ${minutes} min` : `${minutes} min`;
}

function timeLeft(dueAt: string): SafeHtml {
  const left = Date.parse(dueAt) - now().getTime();
  return left < 0 ? html`<strong class="nhsuk-tag nhsuk-tag--red">Overdue by ${duration(left)}</strong>` : html`${duration(left)} left`;
}

export function workspaceHome(session: StaffSession, sizes: Map<QueueName, { count: number; oldest?: string }>): APIGatewayProxyResult {
  const rows = queuesFor(session.user).map(([name, q]) => {
    const size = sizes.get(name)!;
    return [
      html`<a href="/staff/${name}">${q.title}</a>`,
      size.count,
      size.oldest ? html`${ukTime(size.oldest)} (${duration(now().getTime() - Date.parse(size.oldest))} ago)` : '–',
      q.summary,
    ];
  });
  return page({
    title: 'Workspace',
    content: html`${nav(session, '/staff')}<h1>Workspace</h1>
${table(['Queue', 'Waiting', 'Oldest arrived', 'What it is'], rows, 'Your queues')}
${
  hasRole(session.user, ...WAITING_LIST_ROLES)
    ? html`<p><a href="/staff/waiting-list">Waiting list</a>: everyone waiting for a first appointment, by weeks waited, longest first.</p>`
    : ''
}`,
  });
}

const priorityTag = (r: Referral) => {
  const p = r.outcome?.priority ?? r.screening?.priority ?? 'routine';
  return html`<strong class="nhsuk-tag${p === 'routine' ? ' nhsuk-tag--grey' : ' nhsuk-tag--red'}">${p}</strong>`;
};

function claimCell(session: StaffSession, name: QueueName, row: QueueRow): SafeHtml {
  const mine = row.claim?.userId === session.user.id;
  const action = mine ? 'release' : 'claim';
  const label = mine ? 'Release' : 'Claim';
  const who = row.claim ? (mine ? 'You' : html`${row.claim.userName} until ${ukTime(row.claim.until)}`) : '';
  const form =
    !row.claim || mine
      ? html`<form method="post" action="/staff/claims/${row.referral.id}">${csrfField(session)}
<input type="hidden" name="action" value="${action}"><input type="hidden" name="return" value="/staff/${name}">
<button class="nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-0" type="submit">${label}<span
 class="nhsuk-u-visually-hidden"> ${row.referral.id}</span></button></form>`
      : '';
  return html`${who}${form}`;
}

/** Closing a stopped journey, with the reason (what was done by hand), recorded on its timeline. */
function closeForm(session: StaffSession, name: QueueName, id: string): SafeHtml {
  return html`<form method="post" action="/staff/close/${id}">${csrfField(session)}<input type="hidden" name="return"
 value="/staff/${name}">
<label class="nhsuk-label" for="reason-${id}">Reason<span class="nhsuk-u-visually-hidden"> for closing ${id}</span></label>
<input class="nhsuk-input" id="reason-${id}" name="reason" type="text">
<button class="nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-0" type="submit">Close<span
 class="nhsuk-u-visually-hidden"> ${id}</span></button></form>`;
}

/** Starting a stopped journey again where it stopped, once the cause is dealt with. */
function retryForm(session: StaffSession, name: QueueName, id: string): SafeHtml {
  return html`<form method="post" action="/staff/retry/${id}">${csrfField(session)}<input type="hidden" name="return"
 value="/staff/${name}"><button class="nhsuk-button nhsuk-u-margin-bottom-0" type="submit">Retry<span
 class="nhsuk-u-visually-hidden"> ${id}</span></button></form>`;
}

/** A row's cells, queue by queue. `open` is the link to the row's step (undefined: none open). */
function cells(name: QueueName, row: QueueRow, open: string | undefined, session: StaffSession): (SafeHtml | string | number)[] {
  const r = row.referral;
  const reference = open ? html`<a href="${open}">${r.id}</a>` : html`<a href="/dashboard/referrals/${r.id}">${r.id}</a>`;
  const practice = r.referrer ? r.referrer.odsCode : 'Self-referral';
  switch (name) {
    case 'calls': {
      const call = r.call!;
      const next = nextAttemptFrom(call);
      return [
        reference,
        `${r.patient.givenName} ${r.patient.familyName}`,
        telephoneLinks(numbersToCall(r.patient)),
        priorityTag(r),
        practice,
        r.complaint.bodySite,
        html`${call.attempts}${
          next && next > now().toISOString() ? html`<br><span class="nhsuk-body-s">next from ${ukTime(next)}</span>` : ''
        }`,
        timeLeft(call.dueAt),
        claimCell(session, name, row),
      ];
    }
    case 'triage':
      return [
        reference,
        priorityTag(r),
        practice,
        r.complaint.bodySite,
        r.redFlags.length ? r.redFlags.join(', ') : 'None',
        timeLeft(r.triageDueAt),
        claimCell(session, name, row),
      ];
    case 'senior-review': {
      const destination = r.outcome?.destination as RedirectDestination | undefined;
      return [
        reference,
        destination ? REDIRECT_DESTINATIONS[destination].label : '–',
        r.outcome?.decidedBy ?? '–',
        claimCell(session, name, row),
      ];
    }
    case 'information':
      return [reference, practice, r.outcome?.decidedAt ? ukTime(r.outcome.decidedAt) : '–', r.outcome?.message ?? ''];
    case 'booking':
      return [
        reference,
        `${r.patient.givenName} ${r.patient.familyName}`,
        r.wrongNumberAt
          ? 'The number is wrong: contact the practice'
          : numbersToCall(r.patient).length
            ? telephoneLinks(numbersToCall(r.patient))
            : 'No number: contact the practice',
        `${SERVICES[(r.outcome?.service ?? r.screening?.service) as keyof typeof SERVICES] ?? ''}`,
        priorityTag(r),
        r.bookingWindowEnd ? ukTime(r.bookingWindowEnd) : '–',
        claimCell(session, name, row),
      ];
    case 'outcomes':
      return [reference, r.booking ? ukTime(r.booking.start) : '–', r.booking?.clinicName ?? '–', claimCell(session, name, row)];
    default:
      return [
        reference,
        r.status.replaceAll('_', ' '),
        r.stoppedFrom?.replaceAll('_', ' ') ?? '–',
        ukTime(r.updatedAt),
        practice,
        mayRetry(r) ? retryForm(session, name, r.id) : `Cannot retry: ${retryRefusal(r)}`,
        closeForm(session, name, r.id),
      ];
  }
}

/** Both lists of stopped journeys. */
const STOPPED_HEADINGS = [
  'Reference',
  'Status',
  'Stopped while',
  'Stopped at',
  'Practice',
  'Start again where it stopped',
  'Close, once dealt with',
];

const HEADINGS: Record<QueueName, string[]> = {
  calls: ['Reference', 'Patient', 'Telephone', 'Priority', 'Practice', 'Body site', 'Unanswered attempts', 'Time left', 'Claimed by'],
  triage: ['Reference', 'Priority', 'Practice', 'Body site', 'Red flags', 'Time left', 'Claimed by'],
  'senior-review': ['Reference', 'Proposed', 'Proposed by', 'Claimed by'],
  information: ['Reference', 'Practice', 'Asked on', 'Question'],
  booking: ['Reference', 'Patient', 'Telephone', 'Service', 'Priority', 'Book by', 'Claimed by'],
  outcomes: ['Reference', 'Appointment', 'Clinic', 'Claimed by'],
  'needs-action': STOPPED_HEADINGS,
  'message-failed': STOPPED_HEADINGS,
};

export function queuePageView(
  session: StaffSession,
  name: QueueName,
  rows: QueueRow[],
  links: Map<string, string>,
  next: string | undefined,
  notice?: string,
): APIGatewayProxyResult {
  const queue: Queue = QUEUES[name];
  const body = rows.map((row) => cells(name, row, links.get(row.referral.id), session));
  return page({
    title: queue.title,
    content: html`${nav(session, `/staff/${name}`)}
${notice ? html`<div class="nhsuk-inset-text" role="status"><p>${notice}</p></div>` : ''}
<h1>${queue.title}</h1><p>${queue.summary}</p>
${rows.length ? table(HEADINGS[name], body, `${queue.title}: ${rows.length} shown`) : html`<p>Nothing is waiting here.</p>`}
${next ? html`<p><a href="/staff/${name}?after=${next}">Next page</a></p>` : ''}`,
  });
}

export function findPage(
  session: StaffSession,
  query: { q?: string; reason?: string },
  issues: FieldIssue[],
  found: Referral[] | undefined,
  statusCode = 200,
): APIGatewayProxyResult {
  const results = found
    ? found.length
      ? table(
          ['Reference', 'Patient', 'Status', 'Received'],
          found.map((r) => [
            html`<a href="/dashboard/referrals/${r.id}">${r.id}</a>`,
            r.patient ? `${r.patient.givenName} ${r.patient.familyName}` : 'Details removed (retention)',
            r.status.replaceAll('_', ' '),
            ukTime(r.receivedAt),
          ]),
          'Referrals found',
        )
      : html`<p>No referral matches.</p>`
    : '';
  return page({
    statusCode,
    title: 'Find a referral',
    content: html`${nav(session, '/staff/find')}${errorSummary(issues)}<h1>Find a referral</h1>
<form method="post" action="/staff/find" novalidate>${csrfField(session)}
<div class="nhsuk-form-group"><label class="nhsuk-label" for="q">Reference or NHS number</label>
<input class="nhsuk-input nhsuk-input--width-20" id="q" name="q" type="text" value="${query.q ?? ''}"></div>
<div class="nhsuk-form-group${issues.some((i) => i.path === 'reason') ? ' nhsuk-form-group--error' : ''}">
<label class="nhsuk-label" for="reason">Why you are looking</label>
<div class="nhsuk-hint" id="reason-hint">Recorded with your search, as every view of a patient's details is</div>
${
  issues.find((i) => i.path === 'reason')
    ? html`<span class="nhsuk-error-message"
 id="reason-error">${issues.find((i) => i.path === 'reason')!.message}</span>`
    : ''
}
<input class="nhsuk-input" id="reason" name="reason" type="text" aria-describedby="reason-hint" value="${query.reason ?? ''}"></div>
<button class="nhsuk-button" type="submit">Find</button>
</form>
${results}`,
  });
}

export function accessPage(session: StaffSession, title: string, accesses: Access[]): APIGatewayProxyResult {
  return page({
    title: 'Access log',
    content: html`${nav(session, '/staff/access')}<h1>Access log</h1>
<form method="get" novalidate><div class="nhsuk-form-group"><label class="nhsuk-label" for="referral">Referral reference</label>
<input class="nhsuk-input nhsuk-input--width-20" id="referral" name="referral" type="text"></div>
<button class="nhsuk-button nhsuk-button--secondary" type="submit">Who saw this referral</button></form>
<form method="get" novalidate><div class="nhsuk-form-group"><label class="nhsuk-label" for="user">Staff user id</label>
<input class="nhsuk-input nhsuk-input--width-20" id="user" name="user" type="text"></div>
<div class="nhsuk-form-group"><label class="nhsuk-label" for="from">From (UK date)</label>
<input class="nhsuk-input nhsuk-input--width-10" id="from" name="from" type="date"></div>
<div class="nhsuk-form-group"><label class="nhsuk-label" for="to">To (included)</label>
<input class="nhsuk-input nhsuk-input--width-10" id="to" name="to" type="date"></div>
<button class="nhsuk-button nhsuk-button--secondary" type="submit">What this person saw</button></form>
${
  title
    ? table(
        ['When', 'Who', 'Referral', 'What', 'Why'],
        accesses.map((a) => [ukTime(a.at), `${a.userName} (${a.userId})`, a.referralId, a.what, a.reason ?? '']),
        title,
      )
    : ''
}`,
  });
}
