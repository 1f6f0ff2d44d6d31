/**
 * Clinic timetables: sessions that make slots TIMETABLE_WEEKS_AHEAD ahead (topped up daily), and
 * cancelling a session's date or a single slot. A cancelled slot that was booked does not lose
 * its patient: the referral goes back to the booking worklist with a fresh booking link, the
 * patient is texted the link to choose another time, and it is on their timeline. The workflow,
 * asleep until the old appointment, finds the referral waiting to be booked when it wakes and
 * waits on the new booking step (or follows the booking already made).
 */
import { randomUUID } from 'node:crypto';

import { DateTime } from 'luxon';

import { now, nowIso } from '../clock.js';
import { config } from '../config.js';
import { slotIdOf } from '../domain/booking.js';
import { mobileForTexts } from '../domain/contact.js';
import { newLinkId } from '../domain/links.js';
import type { StaffUser } from '../domain/staff.js';
import { daysAfter, SERVICE_TIME_ZONE, slotTime } from '../domain/time.js';
import { type Session, sessionDates, type SessionInput, slotsOn } from '../domain/timetable.js';
import { NotificationFailedError } from '../ports/notifier.js';
import {
  addSlot,
  cancelSessionDate,
  getSlot,
  markSlotsMade,
  putSession,
  timetable,
  withdrawBookedSlot,
  withdrawFreeSlot,
} from '../store/clinics.js';
import { ConcurrentChangeError } from '../store/errors.js';
import { changeReferral, loadReferral } from '../store/referrals.js';
import { putNewTask } from '../store/tasks.js';
import { wakeAppointmentWait } from './booking.js';
import { patientLink } from './links.js';
import { textAndRecord } from './notifications.js';

const today = () => DateTime.fromJSDate(now(), { zone: SERVICE_TIME_ZONE }).toISODate()!;
const horizon = () => DateTime.fromJSDate(now(), { zone: SERVICE_TIME_ZONE }).plus({ weeks: config().TIMETABLE_WEEKS_AHEAD }).toISODate()!;

/**
 * Makes the session's slots from the day after those already made (or today) up to the horizon,
 * then records how far it got: the daily top-up writes only the new days, not the whole horizon again.
 */
async function makeSlots(session: Session): Promise<number> {
  const made = session.slotsMadeUntil;
  const from = made && made >= today() ? DateTime.fromISO(made).plus({ days: 1 }).toISODate()! : today();
  const until = horizon();
  if (from > until) return 0;
  const slots = sessionDates(session, from, until).flatMap((day) => slotsOn(session, day).filter((slot) => slot.start > nowIso()));
  // A day the session does not run makes nothing: leave the mark (the next day looks from it again,
  // at no cost) rather than write the session on every day of the week it is not held.
  if (!slots.length) return 0;
  let added = 0;
  for (let i = 0; i < slots.length; i += SLOT_WRITES_AT_ONCE)
    added += (await Promise.all(slots.slice(i, i + SLOT_WRITES_AT_ONCE).map(addSlot))).filter(Boolean).length;
  await markSlotsMade(session, until);
  return added;
}

/** Slots written in parallel (conditional puts, one per slot). */
const SLOT_WRITES_AT_ONCE = 25;

export async function addSession(input: SessionInput): Promise<{ session: Session; added: number }> {
  const session: Session = { ...input, sessionId: randomUUID().slice(0, 8), cancelledDates: [] };
  await putSession(session);
  return { session, added: await makeSlots(session) };
}

/** The daily top-up: every session's slots up to TIMETABLE_WEEKS_AHEAD ahead (slots already made are left as they are). */
export async function topUpTimetable(): Promise<{ added: number }> {
  let added = 0;
  for (const session of (await timetable()).sessions) added += await makeSlots(session);
  return { added };
}

export interface Cancelled {
  slots: number;
  /** Referrals whose booking moved back to be rebooked. */
  moved: string[];
}

/** Cancels one date of a session: its free slots withdrawn, its booked patients moved to be rebooked. */
export async function cancelSessionOn(sessionId: string, day: string, by: StaffUser): Promise<Cancelled | undefined> {
  const session = (await timetable()).sessions.find((s) => s.sessionId === sessionId);
  // Only a date the session runs on (not another session's slots at the same clinic and time).
  if (!session || sessionDates(session, day, day).length !== 1) return undefined;
  await cancelSessionDate(session, day);
  const result: Cancelled = { slots: 0, moved: [] };
  for (const slot of slotsOn(session, day)) {
    const one = await cancelSlot(slotIdOf(slot.clinicId, slot.start), by);
    result.slots += one.slots;
    result.moved.push(...one.moved);
  }
  return result;
}

/** Cancels one slot. Free: withdrawn. Booked: its referral goes back to be rebooked (see the top). */
export async function cancelSlot(slotId: string, by: StaffUser): Promise<Cancelled> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const slot = await getSlot(slotId);
    if (!slot || slot.cancelledAt || slot.start <= nowIso()) return { slots: 0, moved: [] };
    if (!slot.bookedBy) {
      if (await withdrawFreeSlot(slotId, nowIso())) return { slots: 1, moved: [] };
      continue; // booked meanwhile: read again
    }
    await moveBookingBack(slot.bookedBy, slotId, slot.start, by);
    return { slots: 1, moved: [slot.bookedBy] };
  }
  throw new Error(`slot ${slotId} kept changing`);
}

async function moveBookingBack(referralId: string, slotId: string, start: string, by: StaffUser): Promise<void> {
  const referral = await loadReferral(referralId);
  // Only a referral still booked into this slot (not one closed or failed meanwhile).
  if (referral.status !== 'booked' || referral.booking?.slotId !== slotId)
    throw new ConcurrentChangeError(`referral ${referralId} moved on`);
  const at = nowIso();
  const taskId = newLinkId();
  const patientLinkId = newLinkId();
  // Patients book within their window; a window already past is reopened for a fortnight.
  const windowEnd =
    referral.bookingWindowEnd && referral.bookingWindowEnd > daysAfter(at, 14) ? referral.bookingWindowEnd : daysAfter(at, 14);
  const moved = await changeReferral(
    referral,
    {
      status: 'booking_worklist',
      set: {
        booking: undefined,
        bookingChannel: 'staff',
        bookingInvitedAt: at,
        bookingChasersSent: 0,
        bookingWindowEnd: windowEnd,
        reminderSentFor: undefined,
        clinicCancelledAt: at,
        openTask: { kind: 'booking', taskId, patientLinkId },
      },
      event: { type: 'appointment_cancelled_by_clinic', at, actor: `staff:${by.id}`, detail: { slotId, start, cancelledBy: by.name } },
    },
    [
      withdrawBookedSlot(slotId, referralId, at),
      // A new booking step: the workflow puts its task token on it when it wakes (see the top).
      ...putNewTask({
        taskId,
        kind: 'booking',
        referralId,
        token: '',
        createdAt: at,
        linkExpiresAt: daysAfter(at, config().BOOKING_GIVE_UP_DAYS + 1),
        patientLinkId,
      }),
    ],
  );
  // The workflow, asleep until the old appointment, wakes to wait on the new booking step.
  await wakeAppointmentWait(referral);
  if (!mobileForTexts(moved)) return;
  try {
    await textAndRecord(moved, 'cancelledByClinic', { time: slotTime(start), link: await patientLink(patientLinkId) });
  } catch (error) {
    // The move stands (the team sees them on the worklist); the timeline says the text did not go.
    if (!(error instanceof NotificationFailedError)) throw error;
    const detail = { template: 'cancelledByClinic', reason: 'text failed' };
    await changeReferral(moved, { event: { type: 'patient_not_contactable', at: nowIso(), actor: 'system:notifications', detail } });
  }
}
