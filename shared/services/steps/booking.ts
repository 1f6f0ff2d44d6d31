/**
 * Booking: the patient books from a texted link, or the booking team books for them from the
 * worklist (no mobile, opted out of texts, no free slot in their window). The link is opened and
 * sent by PrepareBooking and its messaging states before the workflow waits here. The timer
 * chases: texts to the patient, then unable_to_contact; reminders to the worklist, then escalation.
 */
import * as z from 'zod';

import { now } from '../../clock.js';
import { config } from '../../config.js';
import { bookingTimer } from '../../domain/booking.js';
import { parseForm } from '../../domain/forms.js';
import type { Referral, Routing } from '../../domain/referral.js';
import { DAY_SECONDS } from '../../domain/time.js';
import { ConcurrentChangeError } from '../../store/errors.js';
import { changeReferral } from '../../store/referrals.js';
import { claimTask, type Task } from '../../store/tasks.js';
import { bookSlot, confirmBooking, SlotUnavailableError } from '../booking.js';
import { resumeWorkflow } from './decision.js';
import type { DecidedThrough, DecisionResult, HumanStep, TimerResult } from './step.js';

const slot = z.string({ error: 'Choose an appointment' }).min(1, { error: 'Choose an appointment' });
/** The booking form (the patient's, or the booking team's on their behalf): a slot. */
export const patientBookingFormSchema = z.object({ slot });
/** A booked patient moving their appointment (from their appointment link, not this step). */
export const changeAppointmentFormSchema = z.object({
  slot: z.string({ error: 'Choose a new time' }).min(1, { error: 'Choose a new time' }),
});

/** How long until the booking timer must act next, as the workflow's first wait. */
function bookingWait(referral: Referral): number {
  const invitedAt = referral.bookingInvitedAt ?? now().toISOString();
  return bookingTimer(invitedAt, referral.bookingChasersSent ?? 0, now(), config().BOOKING_CHASER_DAYS, config().BOOKING_GIVE_UP_DAYS)
    .nextInSeconds;
}

/**
 * A booking made through a link (the booking team's, or the patient's own): the slot is taken
 * and the step claimed in one transaction, then the workflow resumes.
 */
export async function bookForPatient(
  task: Task,
  referral: Referral,
  form: Record<string, string>,
  through: DecidedThrough,
): Promise<DecisionResult> {
  const byStaff = through.by === 'staff';
  const parsed = parseForm(patientBookingFormSchema, form);
  if ('issues' in parsed) return { state: 'invalid-form', task, referral, issues: parsed.issues };
  // Staff book on the patient's behalf (on the phone to them); the timeline says who.
  const actor = through.by === 'patient' ? through.actor : `staff:${through.user.id}`;
  const at = now().toISOString();
  const routing: Routing = { route: 'booked' };
  try {
    const booked = await bookSlot(referral, parsed.slot, actor, [claimTask(task, at, routing)], { anyTime: byStaff });
    await resumeWorkflow(task, routing);
    // Rebooked after the clinic cancelled, while the workflow still sleeps until the old
    // appointment (no task token yet): confirm now, as ConfirmBooking would, rather than at its wake.
    if (!task.token && referral.clinicCancelledAt) await confirmBooking(referral.id);
    return { state: 'decided', task, referral: booked };
  } catch (error) {
    if (error instanceof SlotUnavailableError) return { state: 'slot-taken', task, referral };
    if (error instanceof ConcurrentChangeError) return 'raced';
    throw error;
  }
}

export const booking: HumanStep = {
  kind: 'booking',
  waits: {
    state: 'AwaitBooking',
    statuses: ['awaiting_booking', 'booking_worklist'],
    resumeInput: (r) => ({ booking: { nextInSeconds: bookingWait(r) } }),
    // The failure may have been the invitation itself: a retry prepares the booking afresh (a new
    // link, by text or to the worklist), rather than waiting on an invitation that never went.
    retryAt: 'PrepareBooking',
  },

  // PrepareBooking opened the link, and InviteByText or AddToBookingWorklist sent it.
  open: async () => undefined,

  /**
   * Decides (and records) what happens; the workflow then sends it: a chaser text, a worklist
   * reminder, escalation, or (patients) unable_to_contact after BOOKING_GIVE_UP_DAYS.
   */
  async timedOut(referral): Promise<TimerResult> {
    const at = now();
    const { action, nextInSeconds } = bookingTimer(
      referral.bookingInvitedAt!,
      referral.bookingChasersSent ?? 0,
      at,
      config().BOOKING_CHASER_DAYS,
      config().BOOKING_GIVE_UP_DAYS,
    );
    if (referral.bookingChannel === 'staff') {
      if (action === 'give-up') return { nextInSeconds: DAY_SECONDS, closed: false, chase: 'escalate' };
      return { nextInSeconds, closed: false, chase: action === 'chaser' ? 'worklist' : 'none' };
    }
    if (action === 'give-up') {
      await changeReferral(referral, {
        status: 'unable_to_contact',
        event: {
          type: 'unable_to_contact',
          at: at.toISOString(),
          actor: 'system:booking',
          detail: { chasersSent: referral.bookingChasersSent ?? 0 },
        },
      });
      return { nextInSeconds: 0, closed: true, chase: 'none' };
    }
    if (action === 'chaser') {
      await changeReferral(referral, {
        set: { bookingChasersSent: (referral.bookingChasersSent ?? 0) + 1 },
        event: { type: 'booking_chased', at: at.toISOString(), actor: 'system:booking' },
      });
      return { nextInSeconds, closed: false, chase: 'text' };
    }
    return { nextInSeconds, closed: false, chase: 'none' };
  },

  decide: bookForPatient,
};
