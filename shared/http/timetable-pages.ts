/**
 * The service lead's clinics and timetables: clinics, their recurring sessions, and cancelling a
 * session's date or a single slot (booked patients are moved back to be rebooked and texted).
 */
import type { APIGatewayProxyResult } from 'aws-lambda';

import type { Clinic, Slot } from '../domain/booking.js';
import { CLINICIAN_TYPES } from '../domain/booking.js';
import type { FieldIssue } from '../domain/field-issues.js';
import { SERVICES } from '../domain/screening.js';
import { slotTime } from '../domain/time.js';
import { type Session, WEEKDAYS } from '../domain/timetable.js';
import { errorSummary, fieldError, groupClass, html, page, type SafeHtml, table } from './html.js';
import { csrfField, signedInAs, type StaffSession } from './staff-pages.js';

type Values = Record<string, string>;

const SESSION_HEADINGS = ['Clinic', 'When', 'What', 'Runs', 'Next dates (cancel one)'];

function input(name: string, label: string, values: Values, issues: FieldIssue[], type = 'text'): SafeHtml {
  return html`<div class="${groupClass(issues, name)}">
<label class="nhsuk-label" for="${name}">${label}</label>
${fieldError(issues, name)}
<input class="nhsuk-input nhsuk-input--width-20" id="${name}" name="${name}" type="${type}" value="${values[name] ?? ''}"></div>`;
}

function select(name: string, label: string, options: Record<string, string>, values: Values, issues: FieldIssue[]): SafeHtml {
  return html`<div class="${groupClass(issues, name)}">
<label class="nhsuk-label" for="${name}">${label}</label>
${fieldError(issues, name)}
<select class="nhsuk-select" id="${name}" name="${name}"><option value="">Choose</option>
${Object.entries(options).map(([v, t]) => html`<option value="${v}"${values[name] === v ? html` selected` : ''}>${t}</option>`)}
</select></div>`;
}

const button = (session: StaffSession, action: string, label: string, fields: Values, secondary = true) =>
  html`<form method="post" action="/staff/clinics">${csrfField(session)}<input type="hidden" name="action" value="${action}">
${Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
<button class="nhsuk-button${secondary ? ' nhsuk-button--secondary' : ''} nhsuk-u-margin-bottom-0" type="submit">${label}</button></form>`;

export function clinicsPage(
  session: StaffSession,
  view: { clinics: Clinic[]; sessions: Session[]; upcoming: Map<string, string[]> },
  form: { action?: string; values: Values; issues: FieldIssue[] } = { values: {}, issues: [] },
  notice?: string,
  statusCode = 200,
): APIGatewayProxyResult {
  const values = form.values;
  const issues = form.issues;
  const sessionRows = view.sessions.map((s) => [
    view.clinics.find((c) => c.clinicId === s.clinicId)?.name ?? s.clinicId,
    `${WEEKDAYS[s.weekday as keyof typeof WEEKDAYS]} ${s.start}–${s.end}`,
    `${SERVICES[s.service]}, ${s.slotMinutes} min`,
    `${s.from}${s.until ? ` to ${s.until}` : ' onwards'}`,
    html`${(view.upcoming.get(s.sessionId) ?? []).map(
      (day) =>
        html`<div class="nhsuk-u-margin-bottom-2"><a href="/staff/clinics?session=${s.sessionId}&amp;date=${day}">${day}</a>
${button(session, 'cancel-date', `Cancel ${day}`, { sessionId: s.sessionId, date: day })}</div>`,
    )}`,
  ]);
  return page({
    statusCode,
    title: 'Clinics and timetables',
    content: html`${errorSummary(issues)}
${notice ? html`<div class="nhsuk-inset-text" role="status"><p>${notice}</p></div>` : ''}
${signedInAs(session)}
<p><a href="/staff">Back to the workspace</a></p>
<h1>Clinics and timetables</h1>
${table(
  ['Clinic', 'Address', 'Services'],
  view.clinics.map((c) => [c.name, `${c.address}, ${c.postcode}`, c.services.map((s) => SERVICES[s]).join(', ')]),
  'Clinics',
)}
${view.sessions.length ? table(SESSION_HEADINGS, sessionRows, 'Sessions') : html`<p>No sessions yet.</p>`}
<h2>Add a session</h2>
<form method="post" action="/staff/clinics" novalidate>${csrfField(session)}<input type="hidden" name="action" value="add-session">
${select('clinicId', 'Clinic', Object.fromEntries(view.clinics.map((c) => [c.clinicId, c.name])), values, issues)}
${select('service', 'Service', SERVICES, values, issues)}
${select('clinicianType', 'Who sees patients', Object.fromEntries(CLINICIAN_TYPES.map((t) => [t, t.replaceAll('-', ' ')])), values, issues)}
${select('weekday', 'Day of the week', WEEKDAYS, values, issues)}
${input('start', 'Starts at (24-hour, like 09:00)', values, issues)}
${input('end', 'Ends at', values, issues)}
${input('slotMinutes', 'Appointment length in minutes', values, issues)}
${input('from', 'From (date)', values, issues, 'date')}
${input('until', 'Until (date, optional)', values, issues, 'date')}
<button class="nhsuk-button" type="submit">Add session</button></form>
<h2>Add a clinic</h2>
<form method="post" action="/staff/clinics" novalidate>${csrfField(session)}<input type="hidden" name="action" value="add-clinic">
${input('newClinicId', 'Short id (lower-case letters, digits, hyphens)', values, issues)}
${input('name', 'Name', values, issues)}
${input('address', 'Address', values, issues)}
${input('postcode', 'Postcode', values, issues)}
${select('services', 'Service offered', SERVICES, values, issues)}
<button class="nhsuk-button nhsuk-button--secondary" type="submit">Add clinic</button></form>`,
  });
}

/** One date of a session: its slots, who is booked, and cancelling one. */
export function sessionDayPage(session: StaffSession, s: Session, day: string, slots: Slot[]): APIGatewayProxyResult {
  const rows = slots.map((slot) => [
    slotTime(slot.start),
    slot.cancelledAt
      ? 'Cancelled'
      : slot.bookedBy
        ? html`Booked: <a
 href="/dashboard/referrals/${slot.bookedBy}">${slot.bookedBy}</a>`
        : 'Free',
    slot.cancelledAt
      ? ''
      : button(session, 'cancel-slot', 'Cancel this slot', {
          slotId: slot.slotId,
          return: `/staff/clinics?session=${s.sessionId}&date=${day}`,
        }),
  ]);
  return page({
    title: `Session on ${day}`,
    content: html`${signedInAs(session)}<p><a href="/staff/clinics">Back to clinics and timetables</a></p><h1>Session on ${day}</h1>
<p>Cancelling a booked slot moves the patient back to the booking worklist and texts them a link to choose another time.</p>
${table(['Time', 'State', ''], rows, `${WEEKDAYS[s.weekday as keyof typeof WEEKDAYS]} ${s.start}–${s.end}`)}`,
  });
}
