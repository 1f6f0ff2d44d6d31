/** The pages behind staff links: what a clinician needs to decide, and the form to decide with. */
import type { APIGatewayProxyResult } from 'aws-lambda';

import { now } from '../clock.js';
import { config } from '../config.js';
import {
  APPOINTMENT_OUTCOMES,
  CALL_ATTEMPT_RESULTS,
  CALL_OUTCOMES,
  DECISIONS,
  PRIORITIES,
  REDIRECT_DESTINATIONS,
  SECONDARY_CARE_DESTINATIONS,
  SURGERY_FITNESS,
  SURGERY_WISH,
} from '../domain/choices.js';
import { numbersToCall } from '../domain/contact.js';
import type { Referral, ReferralEvent } from '../domain/referral.js';
import { RED_FLAG_RULES, type ServiceId, SERVICES } from '../domain/screening.js';
import { ukTime } from '../domain/time.js';
import type { StepKind } from '../domain/vocabulary.js';
import { choosableSlots, windowEndFor } from '../services/booking.js';
import type { LinkState, SubmitResult } from '../services/decisions.js';
import { bookingPriority, callRecord, nextAttemptFrom } from '../services/steps/call.js';
import type { Task } from '../store/tasks.js';
import type { FieldIssue } from './api.js';
import { type ChoosableSlot, slotChoices } from './booking-pages.js';
import { errorSummary, fieldError, groupClass, html, messagePage, page, type SafeHtml } from './html.js';
import { csrfField, signedInAs, type StaffSession, telephoneLinks } from './staff-pages.js';

type Values = Record<string, string>;

function summaryList(rows: [string, unknown][]): SafeHtml {
  return html`<dl class="nhsuk-summary-list">${rows.map(
    ([key, value]) =>
      html`<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">${key}</dt>
<dd class="nhsuk-summary-list__value">${value}</dd></div>`,
  )}</dl>`;
}

function ageOn(dateOfBirth: string, on: Date): number {
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  let age = on.getUTCFullYear() - y;
  if (on.getUTCMonth() + 1 < m || (on.getUTCMonth() + 1 === m && on.getUTCDate() < d)) age--;
  return age;
}

const formatNhsNumber = (n: string) => `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;

function referralSummary(referral: Referral): SafeHtml {
  const { patient, complaint, screening } = referral;
  const overdue = now().toISOString() > referral.triageDueAt;
  // Until a first contact call hands it to triage, the referral has no triage clock to show.
  const triageDue: [string, unknown][] =
    referral.status === 'awaiting_call'
      ? []
      : [
          [
            'Triage due',
            html`${ukTime(referral.triageDueAt)}${overdue ? html` <strong class="nhsuk-tag nhsuk-tag--red">Overdue</strong>` : ''}`,
          ],
        ];
  const flags = referral.redFlags.length
    ? html`<ul class="nhsuk-list nhsuk-list--bullet">
${referral.redFlags.map((f) => html`<li>${f} (${RED_FLAG_RULES[f].suspicion})</li>`)}
</ul>`
    : 'None reported';
  return html`
<h2>Patient</h2>
${summaryList([
  ['Name', `${patient.givenName} ${patient.familyName}`],
  ['NHS number', formatNhsNumber(patient.nhsNumber)],
  ['Date of birth', html`${patient.dateOfBirth} (age ${ageOn(patient.dateOfBirth, now())})`],
  ['Postcode', patient.postcode],
  [
    'Mobile for texts',
    referral.wrongNumberAt
      ? 'No: a call found the number reaches someone else'
      : patient.mobile
        ? 'Yes'
        : 'No mobile number: the patient cannot be texted',
  ],
  ...(patient.phone ? [['Other phone (never texted)', telephoneLinks([patient.phone])] as [string, unknown]] : []),
])}
<h2>Referral</h2>
${summaryList([
  ['Reference', referral.id],
  ['Received', ukTime(referral.receivedAt)],
  ...triageDue,
  ['Referred by', referral.referrer ? `${referral.referrer.name}, practice ${referral.referrer.odsCode}` : 'Self-referral'],
  ['Body site', complaint.bodySite],
  ['Duration', `${complaint.durationWeeks} weeks`],
  ['Pain score', `${complaint.painScore} out of 10`],
  ['Summary', complaint.summary],
  ['Red flags', flags],
  [
    'Screening suggests',
    screening
      ? html`${screening.priority}, ${SERVICES[screening.service]}<br><span class="nhsuk-body-s">${screening.reasons.join('; ')}</span>`
      : 'Not screened',
  ],
])}`;
}

function select(
  name: string,
  label: string,
  options: Record<string, string>,
  selected: string | undefined,
  issues: FieldIssue[],
  hint?: string,
): SafeHtml {
  return html`<div class="${groupClass(issues, name)}">
<label class="nhsuk-label" for="${name}">${label}</label>
${hint ? html`<div class="nhsuk-hint" id="${name}-hint">${hint}</div>` : ''}
${fieldError(issues, name)}
<select class="nhsuk-select" id="${name}" name="${name}">
<option value="">Choose</option>
${Object.entries(options).map(
  ([value, text]) => html`<option
 value="${value}"${value === selected ? html` selected` : ''}>${text}</option>`,
)}
</select></div>`;
}

/** A free-text field with its hint and, when it has one, its error. */
function textArea(name: string, issues: FieldIssue[], values: Values, label: string, hint: string, rows = 4): SafeHtml {
  return html`<div class="${groupClass(issues, name)}">
<label class="nhsuk-label" for="${name}">${label}</label>
<div class="nhsuk-hint" id="${name}-hint">${hint}</div>
${fieldError(issues, name)}
<textarea class="nhsuk-textarea" id="${name}" name="${name}" rows="${rows}" aria-describedby="${name}-hint">${values[name] ?? ''}</textarea>
</div>`;
}

const reasonField = (issues: FieldIssue[], values: Values, label: string, hint: string) => textArea('reason', issues, values, label, hint);

/** A decision form: who is deciding (the signed-in person, recorded with it), and the session's form token. */
function decisionForm(session: StaffSession, content: SafeHtml): SafeHtml {
  // Who is signed in (and the sign-out form) comes before the decision form: forms cannot nest.
  return html`${signedInAs(session, '. Your decision is recorded in your name.')}
<form method="post" novalidate>${csrfField(session)}
${content}
</form>`;
}

/**
 * Pressing Enter in a text field submits a form with its first button. This hidden first button
 * makes that submission carry no decision, so it asks for one instead of accepting by accident.
 */
const NO_DEFAULT_DECISION = html`<button type="submit" name="decision" value="" class="nhsuk-u-visually-hidden" tabindex="-1"
 aria-hidden="true">Choose a decision</button>`;

const TRIAGE_REASON_HINT = 'Your reason; for Return to referrer, the advice; for Request information, what you need to know';
const DESTINATION_LABELS = Object.fromEntries(Object.entries(REDIRECT_DESTINATIONS).map(([k, v]) => [k, v.label]));
const DESTINATION_HINT = 'Secondary care is confirmed by a senior clinician first';

function button(value: string, label: string, secondary = false): SafeHtml {
  return html`<button class="nhsuk-button${secondary ? ' nhsuk-button--secondary' : ''}" type="submit" name="decision"
 value="${value}">${label}</button> `;
}

export function triagePage(
  referral: Referral,
  session: StaffSession,
  issues: FieldIssue[] = [],
  values: Values = {},
  statusCode = 200,
  call: SafeHtml | '' = '',
): APIGatewayProxyResult {
  const suggested = referral.screening;
  const priorityDefault = values.priority ?? (suggested?.priority === 'urgent' ? 'urgent' : suggested ? 'routine' : undefined);
  return page({
    statusCode,
    title: 'Triage referral',
    content: html`${errorSummary(issues)}
<h1>Triage referral</h1>
${referralSummary(referral)}
${call}
${decisionForm(
  session,
  html`<h2>Your decision</h2>
${fieldError(issues, 'decision')}
${reasonField(issues, values, 'Reason, advice or question', TRIAGE_REASON_HINT)}
${select('service', 'Service (for Accept)', SERVICES, values.service ?? suggested?.service, issues)}
${select('priority', 'Priority (for Accept)', PRIORITIES, priorityDefault, issues)}
${select('destination', 'Redirect to (for Redirect)', DESTINATION_LABELS, values.destination, issues, DESTINATION_HINT)}
<div class="nhsuk-button-group">${NO_DEFAULT_DECISION}
${Object.entries(DECISIONS).map(([value, label], i) => button(value, label, i > 0))}
</div>`,
)}`,
  });
}

export function seniorReviewPage(
  referral: Referral,
  session: StaffSession,
  issues: FieldIssue[] = [],
  values: Values = {},
  statusCode = 200,
  call: SafeHtml | '' = '',
): APIGatewayProxyResult {
  const proposed = referral.outcome;
  const proposer = proposed?.decision === 'call-senior-review' ? 'The first contact call' : 'Triage';
  const destination = proposed?.destination as keyof typeof REDIRECT_DESTINATIONS | undefined;
  return page({
    statusCode,
    title: 'Senior review before secondary care',
    content: html`${errorSummary(issues)}
<h1>Senior review before secondary care</h1>
<div class="nhsuk-inset-text">
<p>${proposer} by ${proposed?.decidedBy ?? 'a clinician'} proposes:
<strong>${destination ? REDIRECT_DESTINATIONS[destination].label : 'secondary care'}</strong>.
Confirm only if the patient wants surgery and is fit for it; otherwise return them to community care
(not yet fit: the referrer is told what to optimise).</p></div>
${referralSummary(referral)}
${call}
${decisionForm(
  session,
  html`<h2>Surgery screening</h2>
${select('wantsSurgery', 'Does the patient want surgery, having discussed the options?', SURGERY_WISH, values.wantsSurgery, issues)}
${select('fitForSurgery', 'Is the patient fit for surgery?', SURGERY_FITNESS, values.fitForSurgery, issues)}
${textArea(
  'optimise',
  issues,
  values,
  'What needs optimising first (if not yet fit)',
  'For example weight, blood sugar, smoking. The referrer is told this.',
  2,
)}
<h2>Your decision</h2>
${fieldError(issues, 'decision')}
${reasonField(issues, values, 'Reason', 'Why you confirm, or why community care is better')}
${select('service', 'Community service (if you decline)', SERVICES, values.service, issues)}
${select('priority', 'Priority (if you decline)', PRIORITIES, values.priority, issues)}
<div class="nhsuk-button-group">${NO_DEFAULT_DECISION}
${button('confirm', 'Confirm: refer to secondary care')}${button('decline', 'Decline: manage in community care', true)}
</div>`,
)}`,
  });
}

export function outcomePage(
  referral: Referral,
  session: StaffSession,
  issues: FieldIssue[] = [],
  values: Values = {},
  statusCode = 200,
): APIGatewayProxyResult {
  const booking = referral.booking;
  const missed = referral.missedAppointments;
  const missedBefore = missed ? html` (the patient has missed ${missed} before)` : '';
  return page({
    statusCode,
    title: 'Record the appointment outcome',
    content: html`${errorSummary(issues)}
<h1>Record the appointment outcome</h1>
${
  booking
    ? html`<div class="nhsuk-inset-text">
<p>Appointment: ${ukTime(booking.start)} at ${booking.clinicName}${missedBefore}</p></div>`
    : ''
}
${referralSummary(referral)}
${decisionForm(
  session,
  html`<h2>Outcome</h2>
${fieldError(issues, 'decision')}
${reasonField(issues, values, 'Notes', 'Anything the referrer or the next clinician should know')}
<div class="nhsuk-button-group">${NO_DEFAULT_DECISION}
${Object.entries(APPOINTMENT_OUTCOMES).map(([value, label], i) => button(value, label, i > 0))}
</div>`,
)}`,
  });
}

/** The booking team's page: the patient's details to phone them, and every free slot. */
export function staffBookingPage(
  referral: Referral,
  session: StaffSession,
  slots: ChoosableSlot[],
  issues: FieldIssue[] = [],
  _values: Values = {},
  statusCode = 200,
): APIGatewayProxyResult {
  const byWhen = referral.bookingWindowEnd ? ukTime(referral.bookingWindowEnd) : 'the end of the window';
  return page({
    statusCode,
    title: 'Book an appointment',
    content: html`${errorSummary(issues)}
<h1>Book an appointment</h1>
<div class="nhsuk-inset-text">
<p>Book ${referral.outcome?.priority ?? ''} ${referral.outcome?.service ?? ''}, ideally by ${byWhen}.
Telephone: ${
      referral.wrongNumberAt
        ? 'the number on the referral reaches someone else: contact the GP practice'
        : numbersToCall(referral.patient).length
          ? telephoneLinks(numbersToCall(referral.patient))
          : 'no number on the referral: contact the GP practice'
    }</p></div>
${referralSummary(referral)}
${decisionForm(
  session,
  html`${slotChoices(slots, issues, 'Free appointments')}
<button class="nhsuk-button" type="submit">Book this appointment</button>`,
)}`,
  });
}

/** What the first contact call found, for the steps after it (triage, senior review): attempts and outcome, with notes. */
async function callSection(referral: Referral): Promise<SafeHtml | ''> {
  if (referral.screening?.firstContact !== 'call') return '';
  const events = await callRecord(referral.id);
  if (!events.length) return '';
  const what = (e: ReferralEvent) => {
    const d = (e.detail ?? {}) as { result?: string; outcome?: string; callOutcome?: string; calledBy?: string; decidedBy?: string };
    const label =
      e.type === 'call_attempted'
        ? `Attempt: ${CALL_ATTEMPT_RESULTS[d.result as keyof typeof CALL_ATTEMPT_RESULTS] ?? d.result}`
        : `Outcome: ${CALL_OUTCOMES[(d.outcome ?? d.callOutcome) as keyof typeof CALL_OUTCOMES] ?? d.outcome}`;
    return html`${label} (${d.calledBy ?? d.decidedBy ?? 'staff'})${e.note?.reason ? html`<br>${e.note.reason}` : ''}`;
  };
  return html`<h2>First contact call</h2>
${summaryList(events.map((e) => [ukTime(e.at), what(e)]))}`;
}

/**
 * The call list's page for one patient: who to phone and how to check it is them, the attempts so
 * far, and the call's outcome. Booking during the call lists the free slots for the service and
 * priority chosen (a GET form, so choosing them changes nothing).
 */
export async function callPage(
  referral: Referral,
  session: StaffSession,
  issues: FieldIssue[] = [],
  values: Values = {},
  statusCode = 200,
): Promise<APIGatewayProxyResult> {
  const call = referral.call!;
  const { patient } = referral;
  const service = (values.service && values.service in SERVICES ? values.service : referral.screening!.service) as ServiceId;
  const priority = bookingPriority(referral, {
    priority: values.priority === 'urgent' || values.priority === 'routine' ? values.priority : undefined,
  });
  const slots = await choosableSlots(referral, { service, windowEnd: windowEndFor(priority) });
  const overdue = now().toISOString() > call.dueAt;
  const next = nextAttemptFrom(call);
  return page({
    statusCode,
    title: 'First contact call',
    content: html`${errorSummary(issues)}
<h1>First contact call</h1>
<div class="nhsuk-inset-text">
<p>Call by <strong>${ukTime(call.dueAt)}</strong>${overdue ? html` <strong class="nhsuk-tag nhsuk-tag--red">Overdue</strong>` : ''}.
Unanswered attempts: ${call.attempts} of ${config().CALL_ATTEMPTS}${
      next && next > now().toISOString() ? html`; the next from ${ukTime(next)}` : ''
    }.</p></div>
${signedInAs(session, '. What you record here is recorded in your name.')}
<h2>Who to call</h2>
${summaryList([
  ['Telephone', telephoneLinks(numbersToCall(patient))],
  ['Name', `${patient.givenName} ${patient.familyName}`],
])}
<p class="nhsuk-body-s">Before discussing anything, check that you are speaking to the patient: their name, date of birth and
postcode (below).</p>
${referralSummary(referral)}
${await callSection(referral)}
<h2 id="decision">No answer, or the wrong person</h2>
${fieldError(issues, 'decision')}
<form method="post" novalidate>${csrfField(session)}
<input type="hidden" name="attempt" value="${call.attempts + 1}">
<div class="nhsuk-form-group">
<label class="nhsuk-label" for="attemptNote">Note about the attempt (optional)</label>
<textarea class="nhsuk-textarea" id="attemptNote" name="attemptNote" rows="2"></textarea>
</div>
<div class="nhsuk-button-group">${NO_DEFAULT_DECISION}
${button('no-answer', 'No answer: text the patient that we will try again', true)}
${button('wrong-number', CALL_ATTEMPT_RESULTS['wrong-number'], true)}
</div>
<p class="nhsuk-body-s">After ${config().CALL_ATTEMPTS} unanswered attempts, or a wrong number, the patient is offered booking instead:
by text, or by the booking team when there is no mobile to text. A wrong number is never texted again.</p>
</form>
<h2>The call's outcome</h2>
<form method="get" novalidate>
<div class="nhsuk-form-group">
${select('service', 'Appointments for the service', SERVICES, service, [])}
${select('priority', 'Priority (sets how far ahead to look)', PRIORITIES, priority, [])}
<button class="nhsuk-button nhsuk-button--secondary" type="submit">Show appointments</button>
</div>
</form>
<form method="post" novalidate>${csrfField(session)}
<input type="hidden" name="service" value="${service}"><input type="hidden" name="priority" value="${priority}">
${textArea('note', issues, values, 'Clinical note of the call', 'What you discussed and advised; the next clinician reads it')}
${
  slots.length
    ? slotChoices(slots, issues, `To book: ${SERVICES[service]} appointments in the ${priority} window`)
    : html`<p id="slot">No free ${SERVICES[service]} appointments in the ${priority} window: choose another service or priority above,
or hand the patient to the booking team through triage.</p>`
}
${select('destination', 'For senior review: the secondary care proposed', SECONDARY_CARE_DESTINATIONS, values.destination, issues)}
${select('wantsSurgery', 'If surgery was discussed: does the patient want it? (optional)', SURGERY_WISH, values.wantsSurgery, issues)}
${select('fitForSurgery', 'If surgery was discussed: are they fit for it? (optional)', SURGERY_FITNESS, values.fitForSurgery, issues)}
<div class="nhsuk-button-group">${NO_DEFAULT_DECISION}
${Object.entries(CALL_OUTCOMES).map(([value, label], i) => button(value, label, i !== 1))}
</div>
</form>`,
  });
}

/** After an unanswered attempt: what was recorded and sent, and back to the list. */
export function attemptRecordedPage(referral: Referral, texted: boolean, nextFrom: string | undefined): APIGatewayProxyResult {
  const call = referral.call!;
  return page({
    title: 'Attempt recorded',
    content: html`<div class="nhsuk-panel"><h1 class="nhsuk-panel__title">Attempt recorded</h1>
<div class="nhsuk-panel__body">Referral ${referral.id}: ${call.attempts} of ${config().CALL_ATTEMPTS} attempts</div></div>
<p>${
      texted
        ? 'The patient has been texted that we tried to call and will try again.'
        : 'No text was sent: there is no mobile to text, or the text could not be sent.'
    }</p>
${nextFrom ? html`<p>The next attempt is due from ${ukTime(nextFrom)}. The referral stays on the call list.</p>` : ''}
<p><a href="/staff/calls">Back to the call list</a></p>`,
  });
}

type DecisionPage = (
  referral: Referral,
  session: StaffSession,
  issues: FieldIssue[],
  values: Values,
  statusCode: number,
) => Promise<APIGatewayProxyResult>;

/** The decision page of each step staff decide through a link (STEP_LINKS). */
export const DECISION_PAGES: Partial<Record<StepKind, DecisionPage>> = {
  call: callPage,
  triage: async (referral, ...rest) => triagePage(referral, ...rest, await callSection(referral)),
  'senior-review': async (referral, ...rest) => seniorReviewPage(referral, ...rest, await callSection(referral)),
  outcome: async (...args) => outcomePage(...args),
  // Staff may book beyond the window: it is why the referral is on their worklist.
  booking: async (referral, session, ...rest) =>
    staffBookingPage(referral, session, await choosableSlots(referral, { anyTime: true }), ...rest),
};

/** The page for an open step; with `issues`, the form again beside what to correct. */
export function openTaskPage(
  task: Task,
  referral: Referral,
  session: StaffSession,
  issues: FieldIssue[] = [],
  values: Values = {},
  statusCode = 200,
): Promise<APIGatewayProxyResult> {
  return DECISION_PAGES[task.kind as StepKind]!(referral, session, issues, values, statusCode);
}

const bookedPage = (referral: Referral) =>
  messagePage(
    200,
    'Appointment booked',
    `${ukTime(referral.booking!.start)} at ${referral.booking!.clinicName}. The patient has been sent a confirmation ` +
      `if they have a mobile.`,
  );

/** The words for a recorded decision's code, where the code alone would not say it. */
const DECISION_WORDS: Record<string, string> = {
  ...CALL_OUTCOMES,
  'call-triage': 'Needs clinician triage (the 24 hours start now)',
  'call-senior-review': 'Needs senior review',
  'not-reached': 'Not reached by phone: offered booking instead',
};

function clinicalDecidedPage(referral: Referral): APIGatewayProxyResult {
  const outcome = referral.outcome!;
  return page({
    title: 'Decision recorded',
    content: html`<div class="nhsuk-panel"><h1 class="nhsuk-panel__title">Decision recorded</h1>
<div class="nhsuk-panel__body">Referral ${referral.id}</div></div>
${summaryList([
  ['Decision', DECISION_WORDS[outcome.decision] ?? outcome.decision],
  ['Recorded by', outcome.decidedBy],
  ['At', ukTime(outcome.decidedAt)],
  [
    'Status now',
    // The call keeps its status until the patient has been told (then redirected_emergency).
    outcome.decision === 'emergency'
      ? 'being redirected to emergency care: the service lead is alerted'
      : referral.status.replaceAll('_', ' '),
  ],
])}
<p>You can close this page. Opening the link again shows that this decision has been made.</p>`,
  });
}

/** What a step's page says once its decision is recorded (a clinical decision, unless listed). */
const DECIDED_PAGES: Partial<Record<StepKind, (referral: Referral) => APIGatewayProxyResult>> = {
  booking: bookedPage,
  call: (referral) => (referral.status === 'booked' && referral.booking ? bookedPage(referral) : clinicalDecidedPage(referral)),
  outcome: (referral) => messagePage(200, 'Outcome recorded', `Referral ${referral.id} is now ${referral.status.replaceAll('_', ' ')}.`),
};

export function decidedPage(referral: Referral, task: Task): APIGatewayProxyResult {
  return (DECIDED_PAGES[task.kind as StepKind] ?? clinicalDecidedPage)(referral);
}

/** Pages for links that cannot act: each says what happened, and changes nothing. */
export function closedLinkPage(
  link: Exclude<LinkState | SubmitResult, { state: 'open' | 'decided' | 'invalid-form' | 'slot-taken' | 'attempt-recorded' }>,
): APIGatewayProxyResult {
  switch (link.state) {
    case 'invalid':
      return messagePage(
        403,
        'This link is not valid',
        'Check that you copied the whole link from the email. If it still does not work, ask the triage team for the referral.',
      );
    case 'unknown':
      return messagePage(404, 'Page not found', 'There is nothing at this link any more.');
    case 'expired':
      return messagePage(
        410,
        'This link has expired',
        'Links in emails stop working after a while, to keep patient details safe. A newer email about this referral has a working link.',
      );
    case 'used': {
      const outcome = link.referral.outcome;
      return messagePage(
        409,
        'This decision has already been made',
        outcome
          ? html`${outcome.decidedBy} recorded "${outcome.decision}" at ${ukTime(outcome.decidedAt)}. Nothing was changed.`
          : 'Nothing was changed.',
      );
    }
  }
}
