/**
 * Booking pages: the patient's own (from a text: no clinical detail, mobile-first) and the
 * booking team's. Both list free slots as radio buttons grouped by day; no JavaScript needed.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';

import { config } from '../config.js';
import type { Slot } from '../domain/booking.js';
import type { Referral } from '../domain/referral.js';
import { type ServiceId, SERVICES } from '../domain/screening.js';
import { slotTime, ukClockTime, ukDay } from '../domain/time.js';
import type { PatientLinkState } from '../services/patient-links.js';
import type { FieldIssue } from './api.js';
import { errorSummary, html, messagePage, page, type SafeHtml } from './html.js';
import { closedQuestionnairePage } from './questionnaire-pages.js';

export type ChoosableSlot = Slot & { clinicName: string };

/** What a patient (or the booking team) is told when someone else got the slot first. */
export const SLOT_TAKEN: FieldIssue = { path: 'slot', message: 'That appointment has just been taken. Please choose another.' };

/** Radio buttons, one per slot, under a heading per day. */
export function slotChoices(slots: ChoosableSlot[], issues: FieldIssue[], legend: string): SafeHtml {
  const error = issues.find((i) => i.path === 'slot');
  if (!slots.length) return html`<p id="slot">There are no free appointments to choose from online. Please call the service.</p>`;
  const byDay = new Map<string, ChoosableSlot[]>();
  for (const slot of slots) {
    const day = ukDay(slot.start);
    byDay.set(day, [...(byDay.get(day) ?? []), slot]);
  }
  return html`<div class="nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}">
<fieldset class="nhsuk-fieldset" id="slot"><legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">${legend}</legend>
${error ? html`<span class="nhsuk-error-message"><span class="nhsuk-u-visually-hidden">Error:</span> ${error.message}</span>` : ''}
${[...byDay.entries()].map(
  ([day, daySlots]) =>
    html`<h3 class="nhsuk-heading-s">${day}</h3><div class="nhsuk-radios">${daySlots.map(
      (
        s,
        i,
      ) => html`<div class="nhsuk-radios__item"><input class="nhsuk-radios__input" id="slot-${s.slotId.replace(/[^A-Za-z0-9]/g, '')}-${i}"
 name="slot" type="radio" value="${s.slotId}">
<label class="nhsuk-label nhsuk-radios__label"
 for="slot-${s.slotId.replace(/[^A-Za-z0-9]/g, '')}-${i}">${ukClockTime(s.start)} at ${s.clinicName} (${s.lengthMinutes} minutes)</label>
</div>`,
    )}</div>`,
)}
</fieldset></div>`;
}

const serviceName = (id?: string) => (id && id in SERVICES ? SERVICES[id as ServiceId] : 'MSK');

/** The patient's booking page. Only what they need: the service, the choice, the button. */
export function patientBookingPage(
  referral: Referral,
  slots: ChoosableSlot[],
  issues: FieldIssue[] = [],
  statusCode = 200,
): APIGatewayProxyResult {
  return page({
    statusCode,
    title: 'Choose your appointment',
    content: html`${errorSummary(issues)}
<h1>Choose your appointment</h1>
<p>Hello ${referral.patient.givenName}. ${config().SERVICE_NAME} has a ${serviceName(referral.outcome?.service).toLowerCase()}
appointment for you. Choose a time and place that suits you.</p>
<form method="post" novalidate>
<input type="hidden" name="action" value="book">
${slotChoices(slots, issues, 'Appointments')}
${slots.length ? html`<button class="nhsuk-button" type="submit">Book this appointment</button>` : ''}
</form>`,
  });
}

/** The patient's page for an appointment they have: details, change, cancel. */
export function manageAppointmentPage(
  referral: Referral,
  slots: ChoosableSlot[],
  issues: FieldIssue[] = [],
  statusCode = 200,
  notice?: string,
): APIGatewayProxyResult {
  const booking = referral.booking;
  if (!booking || referral.status !== 'booked') {
    return messagePage(
      200,
      'You have no appointment booked',
      'Your appointment was cancelled. If you still need help, please contact your GP practice.',
    );
  }
  return page({
    statusCode,
    title: 'Your appointment',
    content: html`${errorSummary(issues)}
${notice ? html`<div class="nhsuk-panel"><h1 class="nhsuk-panel__title">${notice}</h1></div>` : html`<h1>Your appointment</h1>`}
<dl class="nhsuk-summary-list">
<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">When</dt>
<dd class="nhsuk-summary-list__value">${slotTime(booking.start)} (${booking.lengthMinutes} minutes)</dd></div>
<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Where</dt>
<dd class="nhsuk-summary-list__value">${booking.clinicName}<br>${booking.address}<br>${booking.postcode}</dd></div>
<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Service</dt>
<dd class="nhsuk-summary-list__value">${serviceName(booking.service)}</dd></div>
</dl>
<h2>Change your appointment</h2>
<form method="post" novalidate>
<input type="hidden" name="action" value="rearrange">
${slotChoices(slots, issues, 'Choose a new time')}
${slots.length ? html`<button class="nhsuk-button nhsuk-button--secondary" type="submit">Change to this appointment</button>` : ''}
</form>
<h2>Cancel your appointment</h2>
<form method="post" novalidate>
<input type="hidden" name="action" value="cancel">
<p>If you no longer need this appointment, cancel it so that someone else can have it.</p>
<button class="nhsuk-button nhsuk-button--warning" type="submit">Cancel appointment</button>
</form>`,
  });
}

/** Friendly pages for links that cannot act; none shows anything about the referral. */
export function closedPatientLinkPage(link: Exclude<PatientLinkState, { state: 'open' }>) {
  if ((link.state === 'used' || link.state === 'expired') && link.kind === 'questionnaire') return closedQuestionnairePage(link.state);
  switch (link.state) {
    case 'invalid':
    case 'unknown':
      return messagePage(
        404,
        'This link does not work',
        'Please check you copied the whole link from your text message. If it still does not work, contact the service.',
      );
    case 'expired':
      return messagePage(
        410,
        'This link has expired',
        'Links in our texts only work for a while, to keep your details safe. Please contact the service.',
      );
    case 'used':
      return messagePage(409, 'You have already booked', 'Your confirmation text has a link to see, change or cancel your appointment.');
  }
}
