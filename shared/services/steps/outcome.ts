/**
 * Outcome: after the appointment, the clinic records what happened. A first missed appointment
 * gets one new booking invitation; a second closes the referral. The clinic team is emailed when
 * it opens and every few days until it is recorded.
 */
import * as z from 'zod';

import { config } from '../../config.js';
import { firstBookingWaitSeconds } from '../../domain/booking.js';
import { APPOINTMENT_OUTCOMES, keysOf } from '../../domain/choices.js';
import { staffEmails } from '../../domain/emails.js';
import type { FieldIssue } from '../../domain/field-issues.js';
import { freeText, parseForm } from '../../domain/forms.js';
import type { Referral, Routing } from '../../domain/referral.js';
import { DAY_SECONDS } from '../../domain/time.js';
import { taskLink } from '../links.js';
import { emailStaff } from '../notifications.js';
import { type ClinicalDecision, recordClinicalDecision } from './decision.js';
import type { HumanStep } from './step.js';

/** The clinic's record of an appointment. */
export const outcomeFormSchema = z.object({
  decision: z.enum(keysOf(APPOINTMENT_OUTCOMES), { error: 'Choose an outcome' }),
  reason: freeText.default(''),
});
export type OutcomeForm = z.output<typeof outcomeFormSchema>;

/** Where an outcome goes next, and the count of missed appointments after it. */
export function outcomeRouting(form: OutcomeForm, missedBefore: number): { routing: Routing; missed: number } {
  switch (form.decision) {
    case 'attended-discharged':
      return { routing: { route: 'attended-discharged' }, missed: missedBefore };
    case 'attended-follow-up':
      return { routing: { route: 'attended-follow-up' }, missed: missedBefore };
    case 'onward-referral':
      return { routing: { route: 'onward-referral' }, missed: missedBefore };
    case 'did-not-attend':
      return missedBefore === 0
        ? { routing: { route: 'rebook' }, missed: 1 }
        : { routing: { route: 'closed-did-not-attend' }, missed: missedBefore + 1 };
  }
}

export function outcomeDecision(referral: Referral, form: Record<string, string>): ClinicalDecision | { issues: FieldIssue[] } {
  const parsed = parseForm(outcomeFormSchema, form);
  if ('issues' in parsed) return parsed;
  const { routing, missed } = outcomeRouting(parsed, referral.missedAppointments ?? 0);
  return {
    routing,
    set: { missedAppointments: missed },
    detail: { outcome: parsed.decision, appointment: referral.booking?.start },
    note: { reason: parsed.reason },
  };
}

export const outcome: HumanStep = {
  kind: 'outcome',
  // A booked referral waits for its appointment, then for this step: the appointment check re-reads
  // the booking and decides (wait, remind, or open this step), so it is where the workflow resumes.
  waits: {
    state: 'CheckAppointment',
    statuses: ['booked'],
    // Should the clinic cancel, the check opens a new booking step, whose first wait this is.
    resumeInput: () => ({
      booking: { nextInSeconds: firstBookingWaitSeconds(config().BOOKING_CHASER_DAYS, config().BOOKING_GIVE_UP_DAYS) },
    }),
    // Stopped before the confirmation (no link to the appointment yet): confirm it first.
    retryAt: (r) => (r.appointmentLinkId ? 'CheckAppointment' : 'ConfirmBooking'),
  },

  async open(referral, taskId) {
    const email = staffEmails.outcomeNeeded({ reference: referral.id, start: referral.booking!.start, link: await taskLink(taskId) });
    await emailStaff(referral, 'clinic-team', email, 'clinic_team_emailed');
  },

  async timedOut(referral) {
    const link = await taskLink(referral.openTask!.taskId);
    await emailStaff(
      referral,
      'clinic-team',
      staffEmails.outcomeOverdue({ reference: referral.id, start: referral.booking!.start, link }),
      'outcome_overdue',
    );
    return { nextInSeconds: config().OUTCOME_CHASE_DAYS * DAY_SECONDS, closed: false };
  },

  decide: (task, referral, form, by) =>
    recordClinicalDecision(task, referral, 'appointment_outcome_recorded', by, outcomeDecision(referral, form)),
};
