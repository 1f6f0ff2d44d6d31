/**
 * Booking: after acceptance the patient books their own appointment by text link (or, with no
 * mobile, an opt-out, or no free slot in their window, the booking team does it from a worklist),
 * is chased if they do not, reminded before the appointment, and can change or cancel it. A slot
 * is taken by a conditional write, in the same transaction as the referral's change.
 */
import { now } from '../clock.js';
import { config } from '../config.js';
import {
  appointmentEnd,
  appointmentReminderAt,
  bookingWindowEnd,
  firstBookingWaitSeconds,
  latestAppointmentStart,
  type Slot,
} from '../domain/booking.js';
import { mobileForTexts } from '../domain/contact.js';
import { referrerEmails } from '../domain/emails.js';
import { newLinkId } from '../domain/links.js';
import type { Booking, Priority, Referral } from '../domain/referral.js';
import type { ServiceId } from '../domain/screening.js';
import type { SmsTemplateName } from '../domain/sms.js';
import { DAY_MS, slotTime } from '../domain/time.js';
import { logger } from '../logger.js';
import { adapters } from '../ports/index.js';
import { NotificationFailedError } from '../ports/notifier.js';
import { TaskNotWaitingError } from '../ports/workflow.js';
import { freeSlots, getClinic, getSlot, releaseSlot, takeSlot } from '../store/clinics.js';
import { SlotTakenError } from '../store/errors.js';
import { changeReferral, loadReferral, type ReferralChange, type TransactItem } from '../store/referrals.js';
import { extendLinkExpiry, getTaskByPatientLink, putNewTask, replaceTaskToken } from '../store/tasks.js';
import { patientLink } from './links.js';
import { textAndRecord } from './notifications.js';

export class SlotUnavailableError extends Error {
  override name = 'SlotUnavailable';
}

const windows = () => ({ urgent: config().URGENT_WINDOW_DAYS, routine: config().ROUTINE_WINDOW_DAYS });

/**
 * Accepted (or to be rebooked after a missed appointment): set the booking window, decide who
 * books, and open the booking step's link (the workflow then texts it or emails the worklist).
 */
export async function prepareBooking(
  referralId: string,
): Promise<{ nextInSeconds: number; channel: 'patient' | 'staff'; inviteTemplate: SmsTemplateName }> {
  const referral = await loadReferral(referralId);
  const at = now();
  const service = referral.outcome?.service ?? referral.screening!.service;
  const chosen = referral.outcome?.priority ?? referral.screening!.priority;
  const priority = chosen === 'routine' ? 'routine' : 'urgent';
  const windowEnd = bookingWindowEnd(at, priority, windows());
  const mobile = mobileForTexts(referral);
  const optedOut = mobile ? await optOutStatus(mobile) : false;
  const [slot] = await freeSlots(service, at.toISOString(), windowEnd, 1);
  const reason = referral.wrongNumberAt
    ? 'the number on the referral reaches someone else'
    : !mobile
      ? 'no mobile number'
      : optedOut === 'unknown'
        ? 'could not check the SMS opt-out list'
        : optedOut
          ? 'patient opted out of texts'
          : !slot
            ? 'no free slot in the booking window'
            : undefined;
  const channel = reason ? 'staff' : 'patient';
  const taskId = newLinkId();
  const patientLinkId = newLinkId();
  await changeReferral(
    referral,
    {
      status: reason ? 'booking_worklist' : 'awaiting_booking',
      set: {
        bookingWindowEnd: windowEnd,
        bookingChannel: channel,
        bookingInvitedAt: at.toISOString(),
        bookingChasersSent: 0,
        booking: undefined,
        openTask: { kind: 'booking', taskId, patientLinkId },
      },
      event: {
        type: reason ? 'booking_worklist' : 'booking_invited',
        at: at.toISOString(),
        actor: 'system:booking',
        detail: { service, priority, windowEnd, ...(reason ? { reason } : {}) },
      },
    },
    // The workflow puts its task token on this step when it starts waiting.
    putNewTask({
      taskId,
      kind: 'booking',
      referralId,
      token: '',
      createdAt: at.toISOString(),
      linkExpiresAt: new Date(at.getTime() + (config().BOOKING_GIVE_UP_DAYS + 1) * DAY_MS).toISOString(),
      patientLinkId,
    }),
  );
  return {
    nextInSeconds: firstBookingWaitSeconds(config().BOOKING_CHASER_DAYS, config().BOOKING_GIVE_UP_DAYS),
    channel,
    inviteTemplate: referral.missedAppointments
      ? 'rebookAfterMissed'
      : referral.outcome?.decision === 'not-reached'
        ? 'notReachedInvite'
        : 'bookingInvite',
  };
}

/**
 * Whether the number is on the SMS opt-out list; 'unknown' when SNS would not say (refused or
 * throttled beyond the SDK's retries). A patient is never dropped because the SMS side is unhappy:
 * the booking team phones them instead.
 */
async function optOutStatus(mobile: string): Promise<boolean | 'unknown'> {
  try {
    return await adapters().notifier.isOptedOut(mobile);
  } catch (error) {
    if (!(error instanceof NotificationFailedError)) throw error;
    logger.warn('SMS opt-out check failed; the booking team will phone', { errorName: (error.cause as Error)?.name });
    return 'unknown';
  }
}

/**
 * Free slots the referral may choose from: its service, from now to the end of its window (or, on a
 * first contact call, the service and window the physiotherapist is booking for).
 */
export async function choosableSlots(
  referral: Referral,
  options: { anyTime?: boolean; service?: ServiceId; windowEnd?: string } = {},
): Promise<(Slot & { clinicName: string })[]> {
  const from = now().toISOString();
  const service = options.service ?? referral.booking?.service ?? referral.outcome?.service ?? referral.screening!.service;
  // Staff may book beyond the window (it is why the referral is on their worklist); patients may not.
  const windowEnd = options.windowEnd ?? referral.bookingWindowEnd ?? from;
  const until = options.anyTime ? new Date(now().getTime() + 90 * DAY_MS).toISOString() : windowEnd;
  const latest = latestAppointmentStart(referral.receivedAt);
  const to = until < latest ? until : latest;
  const slots = await freeSlots(service, from, to > from ? to : from, 60);
  const clinics = await Promise.all([...new Set(slots.map((s) => s.clinicId))].map(getClinic));
  const names = new Map(clinics.filter(Boolean).map((c) => [c!.clinicId, c!.name]));
  return slots.map((s) => ({ ...s, clinicName: names.get(s.clinicId) ?? s.clinicId }));
}

/** The end of the booking window for a priority, from now. */
export const windowEndFor = (priority: Exclude<Priority, 'emergency'>): string => bookingWindowEnd(now(), priority, windows());

/**
 * Books (or moves) the referral into `slotId`, with `alsoWrite` (e.g. claiming the booking task).
 * The old slot, if any, is released in the same transaction. SlotUnavailableError if the slot was
 * taken first or is not one this referral may have.
 */
export async function bookSlot(
  referral: Referral,
  slotId: string,
  actor: string,
  alsoWrite: TransactItem[] = [],
  options: {
    anyTime?: boolean;
    /** Recorded with the booking, in its transaction (a first contact call's outcome, booked during the call). */
    with?: Pick<ReferralChange, 'note'> & { set?: ReferralChange['set']; detail?: Record<string, unknown> };
  } = {},
): Promise<Referral> {
  const slot = await getSlot(slotId);
  const at = now().toISOString();
  const service = referral.booking?.service ?? referral.outcome?.service ?? referral.screening!.service;
  const inWindow = options.anyTime || (slot && slot.start <= (referral.bookingWindowEnd ?? ''));
  const beforeWorkflowEnds = slot && slot.start <= latestAppointmentStart(referral.receivedAt);
  if (!slot || slot.bookedBy || slot.service !== service || slot.start <= at || !inWindow || !beforeWorkflowEnds)
    throw new SlotUnavailableError(slotId);
  const clinic = await getClinic(slot.clinicId);
  const booking: Booking = {
    slotId,
    clinicId: slot.clinicId,
    clinicName: clinic?.name ?? slot.clinicId,
    address: clinic?.address ?? '',
    postcode: clinic?.postcode ?? '',
    service,
    start: slot.start,
    lengthMinutes: slot.lengthMinutes,
    bookedAt: at,
  };
  const previous = referral.booking ? await getSlot(referral.booking.slotId) : undefined;
  try {
    return await changeReferral(
      referral,
      {
        status: 'booked',
        set: { ...options.with?.set, booking },
        event: {
          type: previous ? 'appointment_rearranged' : 'appointment_booked',
          at,
          actor,
          detail: {
            ...options.with?.detail,
            slotId,
            start: slot.start,
            clinicId: slot.clinicId,
            ...(previous ? { from: previous.start } : {}),
          },
        },
        note: options.with?.note,
      },
      [takeSlot(slotId, referral.id, at), ...(previous ? [releaseSlot(previous, referral.id)] : []), ...alsoWrite],
    );
  } catch (error) {
    if (error instanceof SlotTakenError) throw new SlotUnavailableError(slotId);
    throw error;
  }
}

/** After booking: the patient's link to see, change or cancel, and a confirmation text. */
export async function confirmBooking(referralId: string): Promise<{ waitUntil: string; waitSeconds: number }> {
  let referral = await loadReferral(referralId);
  const booking = referral.booking!;
  // The patient's link to their appointment (its id is the patient link id, not the task's).
  // Booked again (after a missed appointment, or the clinic cancelled): the link made for the first
  // is kept, and must stay open until this one ends, as a rearrangement keeps it (the capacity
  // forecast found rebooked patients' "Change or cancel" links already expired). Its task may be
  // gone (removed a month after its expiry): then the patient gets a new link.
  const reused = referral.appointmentLinkId ? await getTaskByPatientLink(referral.appointmentLinkId) : undefined;
  if (reused) await extendLinkExpiry(reused.taskId, appointmentEnd(booking.start, booking.lengthMinutes));
  let linkId = reused ? referral.appointmentLinkId : undefined;
  if (!linkId) {
    linkId = newLinkId();
    referral = await changeReferral(
      referral,
      { set: { appointmentLinkId: linkId }, event: { type: 'appointment_link_created', at: now().toISOString(), actor: 'system:booking' } },
      putNewTask({
        taskId: newLinkId(),
        kind: 'appointment',
        referralId,
        token: '',
        createdAt: now().toISOString(),
        linkExpiresAt: appointmentEnd(booking.start, booking.lengthMinutes),
        patientLinkId: linkId,
      }),
    );
  }
  // Booked by the team on the patient's behalf: a confirmation too, unless they opted out of texts
  // (or the list could not be checked: then no text, the team has spoken to them).
  const mobile = mobileForTexts(referral);
  const mayText = mobile && (referral.bookingChannel === 'patient' || (await optOutStatus(mobile)) === false);
  if (mayText) {
    referral = (
      await textAndRecord(referral, 'bookingConfirmed', {
        link: await patientLink(linkId),
        time: slotTime(booking.start),
        clinic: booking.clinicName,
      })
    ).referral;
  }
  return sleepPlan(nextAppointmentWake(referral));
}

/** When to wake, as the timestamp (read by people and tests) and the whole seconds a callback's timeout takes (at least 1). */
const sleepPlan = (waitUntil: string) => ({
  waitUntil,
  waitSeconds: Math.max(1, Math.ceil((Date.parse(waitUntil) - now().getTime()) / 1000)),
});

function nextAppointmentWake(referral: Referral): string {
  const booking = referral.booking!;
  const reminderAt = appointmentReminderAt(booking.start, config().APPOINTMENT_REMINDER_HOURS);
  const t = now().toISOString();
  if (t < reminderAt && referral.reminderSentFor !== booking.start) return reminderAt;
  return appointmentEnd(booking.start, booking.lengthMinutes);
}

/**
 * The workflow wakes before or after an appointment. It re-reads the booking, because the patient
 * may have moved or cancelled it meanwhile: a moved appointment gets a new wake time, never a
 * stale reminder.
 */
export async function appointmentCheck(
  referralId: string,
): Promise<{ action: 'wait' | 'outcome' | 'rebook' | 'closed'; waitUntil: string; waitSeconds: number }> {
  let referral = await loadReferral(referralId);
  const t = now().toISOString();
  // The clinic cancelled the appointment: wait on the new booking step it opened.
  if (referral.status === 'booking_worklist' && referral.openTask?.kind === 'booking') return { action: 'rebook', ...sleepPlan(t) };
  if (referral.status !== 'booked' || !referral.booking) return { action: 'closed', ...sleepPlan(t) };
  const booking = referral.booking;
  const reminderAt = appointmentReminderAt(booking.start, config().APPOINTMENT_REMINDER_HOURS);
  const end = appointmentEnd(booking.start, booking.lengthMinutes);
  if (t >= reminderAt && t < booking.start && referral.reminderSentFor !== booking.start) {
    if (mobileForTexts(referral)) {
      const link = referral.appointmentLinkId ? await patientLink(referral.appointmentLinkId) : `${config().PUBLIC_BASE_URL}`;
      referral = (
        await textAndRecord(referral, 'appointmentReminder', {
          link,
          time: slotTime(booking.start),
          clinic: booking.clinicName,
        })
      ).referral;
    }
    referral = await changeReferral(referral, {
      set: { reminderSentFor: booking.start },
      event: { type: 'appointment_reminder_sent', at: t, actor: 'system:booking', detail: { start: booking.start } },
    });
  }
  if (t >= end) return { action: 'outcome', ...sleepPlan(t) };
  return { action: 'wait', ...sleepPlan(nextAppointmentWake(referral)) };
}

/** The appointment's own task (its patient link names it), which holds the sleeping workflow's token. */
async function appointmentTask(referral: Referral) {
  return referral.appointmentLinkId ? getTaskByPatientLink(referral.appointmentLinkId) : undefined;
}

/**
 * The workflow sleeps until its timeout (a reminder, or the appointment's end) holding a task
 * token on the appointment's task, so that a change to the appointment can wake it early. (A
 * change in the milliseconds between planning the sleep and storing its token is not seen until
 * the planned wake, as before: waking itself would need this function to hold SendTaskSuccess on
 * the state machine that invokes it, a dependency cycle CloudFormation refuses.)
 */
export async function sleepUntilAppointment(referralId: string, taskToken: string): Promise<void> {
  const task = await appointmentTask(await loadReferral(referralId));
  if (task) await replaceTaskToken(task.taskId, taskToken, task.linkExpiresAt);
}

/** The appointment moved or went: wake the sleeping workflow to re-plan (if it sleeps; else nothing). */
export async function wakeAppointmentWait(referral: Referral): Promise<void> {
  const task = await appointmentTask(referral);
  if (!task?.token) return;
  try {
    await adapters().workflow.sendTaskSuccess(task.token, {});
  } catch (error) {
    // Not sleeping any more (it woke by itself, or the journey moved on): nothing to wake.
    if (!(error instanceof TaskNotWaitingError)) throw error;
  }
}

/** The patient cancels: slot freed, referral closed, referrer told. */
export async function cancelAppointment(referral: Referral): Promise<Referral> {
  const booking = referral.booking!;
  const slot = await getSlot(booking.slotId);
  const at = now().toISOString();
  const cancelled = await changeReferral(
    referral,
    {
      status: 'cancelled_by_patient',
      set: { booking: undefined },
      event: { type: 'appointment_cancelled', at, actor: 'patient', detail: { slotId: booking.slotId, start: booking.start } },
    },
    slot ? [releaseSlot(slot, referral.id)] : [],
  );
  let after = cancelled;
  if (mobileForTexts(referral))
    after = (await textAndRecord(cancelled, 'appointmentCancelled', { time: slotTime(booking.start) })).referral;
  if (referral.referrer) {
    const { messageId } = await adapters().notifier.sendEmail(
      referral.referrer.email,
      referrerEmails.cancelledByPatient({ reference: referral.id }),
    );
    after = await changeReferral(after, {
      event: { type: 'referrer_emailed', at, actor: 'system:notifications', detail: { notice: 'cancelled-by-patient', messageId } },
    });
  }
  return after;
}
