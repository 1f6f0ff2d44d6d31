/**
 * The self-referral form: a plain HTML form for patients, posting to the same intake as GP
 * systems (same schema, same rules), with each field's error shown next to it.
 */
import { randomUUID } from 'node:crypto';

import type { APIGatewayProxyResult } from 'aws-lambda';

import { BODY_SITES, RED_FLAGS, type RedFlag } from '../domain/referral.js';
import type { FieldIssue } from './api.js';
import { errorSummary, html, page, type SafeHtml } from './html.js';

const NHS_NUMBER_HINT = 'A 10 digit number, like 943 476 5919. You can find it on a letter from the NHS or in the NHS App.';
const NO_MOBILE_NEXT = 'As you did not give a mobile number, we will contact you another way.';
const MOBILE_HINT = 'We text you to book your appointment. Leave it empty if you do not have a mobile.';
const PHONE_HINT = 'A landline we can call you on, if you have one. We never text this number.';

/** The red-flag questions in words a patient understands. */
const RED_FLAG_QUESTIONS: Record<RedFlag, string> = {
  'bladder-or-bowel-dysfunction': 'New problems controlling your bladder or bowels',
  'saddle-anaesthesia': 'Numbness around your bottom or genitals',
  'progressive-leg-weakness': 'Weakness in your legs that is getting worse',
  'history-of-cancer': 'You have had cancer',
  'unexplained-weight-loss': 'Weight loss you cannot explain',
  'fever-or-infection-risk': 'A high temperature, or a recent infection',
  'recent-trauma': 'A recent fall, accident or injury',
  'inflammatory-symptoms': 'Joints that are hot, swollen or stiff for over an hour in the morning',
};

const SITE_LABELS: Record<(typeof BODY_SITES)[number], string> = {
  neck: 'Neck',
  'upper-back': 'Upper back',
  'lower-back': 'Lower back',
  shoulder: 'Shoulder',
  elbow: 'Elbow',
  'wrist-hand': 'Wrist or hand',
  hip: 'Hip',
  knee: 'Knee',
  'foot-ankle': 'Foot or ankle',
  'multiple-joints': 'Several joints',
};

/** The form's field names, and where each sits in the referral body the schema checks. */
export const SELF_REFERRAL_FIELDS = {
  givenName: 'patient.givenName',
  familyName: 'patient.familyName',
  nhsNumber: 'patient.nhsNumber',
  dateOfBirth: 'patient.dateOfBirth',
  mobile: 'patient.mobile',
  phone: 'patient.phone',
  postcode: 'patient.postcode',
  bodySite: 'complaint.bodySite',
  summary: 'complaint.summary',
  durationWeeks: 'complaint.durationWeeks',
  painScore: 'complaint.painScore',
} as const;

type Values = Record<string, string | string[]>;

function field(name: keyof typeof SELF_REFERRAL_FIELDS, label: string, issues: FieldIssue[], input: SafeHtml, hint?: string): SafeHtml {
  const issue = issues.find((i) => i.path === SELF_REFERRAL_FIELDS[name]);
  return html`<div class="nhsuk-form-group${issue ? ' nhsuk-form-group--error' : ''}">
<label class="nhsuk-label" for="${name}">${label}</label>
${hint ? html`<div class="nhsuk-hint" id="${name}-hint">${hint}</div>` : ''}
${
  issue
    ? html`<span class="nhsuk-error-message" id="${name}-error"><span
 class="nhsuk-u-visually-hidden">Error:</span> ${label} ${issue.message}</span>`
    : ''
}
${input}</div>`;
}

const text = (name: string, values: Values) =>
  html`<input class="nhsuk-input" id="${name}" name="${name}" type="text" value="${String(values[name] ?? '')}">`;

/**
 * Each rendering of the form carries a random submission id, used as the Idempotency-Key: a
 * double click or a resubmitted page sends one referral, not two.
 */
export function selfReferralForm(issues: FieldIssue[] = [], values: Values = {}, statusCode = 200): APIGatewayProxyResult {
  const summaryIssues = issues.map((i) => ({
    path: Object.entries(SELF_REFERRAL_FIELDS).find(([, p]) => p === i.path)?.[0] ?? i.path,
    message: i.message,
  }));
  const checked = new Set([values.redFlags ?? []].flat());
  return page({
    statusCode,
    title: 'Refer yourself for a muscle or joint problem',
    content: html`${errorSummary(summaryIssues)}
<h1>Refer yourself for a muscle or joint problem</h1>
<div class="nhsuk-warning-callout">
<h2 class="nhsuk-warning-callout__label">
<span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>Get help now</span>
</h2>
<p>Call 999 or go to A&amp;E now if you have back pain with numbness around your bottom or genitals,
or new problems controlling your bladder or bowels. Do not use this form.</p></div>
<form method="post" novalidate>
<input type="hidden" name="submission" value="${String(values.submission ?? randomUUID())}">
<h2>About you</h2>
${field('givenName', 'First name', issues, text('givenName', values))}
${field('familyName', 'Last name', issues, text('familyName', values))}
${field('nhsNumber', 'NHS number', issues, text('nhsNumber', values), NHS_NUMBER_HINT)}
${field(
  'dateOfBirth',
  'Date of birth',
  issues,
  html`<input class="nhsuk-input nhsuk-input--width-10" id="dateOfBirth" name="dateOfBirth"
 type="date" value="${String(values.dateOfBirth ?? '')}">`,
)}
${field('mobile', 'Mobile phone number (optional)', issues, text('mobile', values), MOBILE_HINT)}
${field('phone', 'Other phone number (optional)', issues, text('phone', values), PHONE_HINT)}
${field('postcode', 'Postcode', issues, text('postcode', values))}
<h2>Your problem</h2>
${field(
  'bodySite',
  'Where is the problem?',
  issues,
  html`<select class="nhsuk-select" id="bodySite" name="bodySite"><option
 value="">Choose</option>${BODY_SITES.map(
   (s) => html`<option
 value="${s}"${values.bodySite === s ? html` selected` : ''}>${SITE_LABELS[s]}</option>`,
 )}</select>`,
)}
${field(
  'summary',
  'Tell us about it',
  issues,
  html`<textarea class="nhsuk-textarea" id="summary" name="summary"
 rows="4">${String(values.summary ?? '')}</textarea>`,
  'What happened, and what you cannot do because of it',
)}
${field(
  'durationWeeks',
  'How many weeks have you had it?',
  issues,
  html`<input class="nhsuk-input nhsuk-input--width-4"
 id="durationWeeks" name="durationWeeks" type="text" inputmode="numeric" value="${String(values.durationWeeks ?? '')}">`,
)}
${field(
  'painScore',
  'How bad is the pain, from 0 (none) to 10 (worst)?',
  issues,
  html`<select class="nhsuk-select" id="painScore"
 name="painScore"><option value="">Choose</option>${Array.from(
   { length: 11 },
   (_, n) => html`<option
 value="${n}"${values.painScore === String(n) ? html` selected` : ''}>${n}</option>`,
 )}</select>`,
)}
<div class="nhsuk-form-group"><fieldset class="nhsuk-fieldset">
<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Do you have any of these? Tick all that apply.</legend>
<div class="nhsuk-checkboxes">${RED_FLAGS.map(
      (flag) => html`<div class="nhsuk-checkboxes__item"><input class="nhsuk-checkboxes__input" id="flag-${flag}" name="redFlags"
 type="checkbox" value="${flag}"${checked.has(flag) ? html` checked` : ''}>
<label class="nhsuk-label nhsuk-checkboxes__label" for="flag-${flag}">${RED_FLAG_QUESTIONS[flag]}</label></div>`,
    )}</div></fieldset></div>
<button class="nhsuk-button" type="submit">Send my referral</button>
</form>`,
  });
}

/**
 * Answers that screen as an emergency: told here and now (they are at the page), in an NHS.UK
 * emergency care card. The text to their mobile is only the backup.
 */
export function selfReferralEmergency(reference: string): APIGatewayProxyResult {
  return page({
    title: 'Go to A&E now',
    content: html`<div class="nhsuk-card nhsuk-card--care nhsuk-card--care--emergency">
<div class="nhsuk-card__heading-container"><h1 class="nhsuk-card__heading"><span role="text">
<span class="nhsuk-u-visually-hidden">Immediate action required: </span>Go to A&amp;E now or call 999</span></h1>
<span class="nhsuk-card--care__arrow" aria-hidden="true"></span></div>
<div class="nhsuk-card__content">
<p>Some of your answers can be a sign of a problem that needs to be checked in hospital straight away.</p>
<p><strong>Go to A&amp;E now, or call 999.</strong> Do not wait for an appointment or a text from us.</p>
<p>Take this reference with you: <strong>${reference}</strong></p>
</div></div>`,
  });
}

export function selfReferralSent(reference: string, hasMobile: boolean): APIGatewayProxyResult {
  return page({
    title: 'Referral sent',
    content: html`<div class="nhsuk-panel"><h1 class="nhsuk-panel__title">Referral sent</h1>
<div class="nhsuk-panel__body">Your reference: <strong>${reference}</strong></div></div>
<h2>What happens next</h2>
<p>A clinician will look at your referral within 24 hours.
${hasMobile ? 'We will text you to book an appointment, or with advice.' : NO_MOBILE_NEXT}</p>
<p>If your symptoms get worse, contact your GP or call 111. In an emergency, call 999.</p>`,
  });
}
