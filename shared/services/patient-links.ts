/**
 * The patient's own links, from their texts: book an appointment, or see, change or cancel the
 * one they have. Opening a link only shows; every change is a POST.
 */
import { now } from '../clock.js';
import { appointmentEnd, slotTime } from '../domain/booking.js';
import type { FieldIssue } from '../domain/field-issues.js';
import { verifyLink } from '../domain/links.js';
import type { Referral } from '../domain/referral.js';
import { adapters } from '../ports/index.js';
import { ConcurrentChangeError } from '../store/errors.js';
import { getReferral } from '../store/referrals.js';
import { getTask, setLinkExpiry, type Task } from '../store/tasks.js';
import { bookSlot, cancelAppointment, choosableSlots, slotTaken, SlotUnavailableError } from './booking.js';
import { bookForPatient } from './decisions.js';
import { patientLink } from './links.js';
import { textAndRecord } from './notifications.js';

export type PatientLinkState =
  | { state: 'invalid' }
  | { state: 'unknown' }
  | { state: 'expired' }
  | { state: 'used'; referral: Referral }
  | { state: 'open'; task: Task; referral: Referral };

export async function resolvePatientLink(signed: string): Promise<PatientLinkState> {
  const taskId = verifyLink(signed, await adapters().linkKeys.signingKey());
  if (!taskId) return { state: 'invalid' };
  const task = await getTask(taskId);
  if (!task || (task.kind !== 'booking' && task.kind !== 'appointment')) return { state: 'unknown' };
  const referral = await getReferral(task.referralId);
  if (!referral) return { state: 'unknown' };
  if (task.kind === 'booking' && task.decidedAt) return { state: 'used', referral };
  if (task.linkExpiresAt <= now().toISOString()) return { state: 'expired' };
  return { state: 'open', task, referral };
}

export type PatientActionResult =
  | Exclude<PatientLinkState, { state: 'open' }>
  | { state: 'invalid-form'; task: Task; referral: Referral; issues: FieldIssue[] }
  | { state: 'booked' | 'rearranged' | 'cancelled'; task: Task; referral: Referral };

export async function patientAction(signed: string, form: Record<string, string>): Promise<PatientActionResult> {
  for (let attempt = 1; attempt <= 4; attempt++) {
    const link = await resolvePatientLink(signed);
    if (link.state !== 'open') return link;
    const { task, referral } = link;
    if (task.kind === 'booking') {
      const result = await bookForPatient(task, referral, form, 'patient');
      if (result === 'raced') continue;
      if (result.state === 'decided') return { state: 'booked', task, referral: result.referral };
      if (result.state === 'invalid-form') return { state: 'invalid-form', task, referral, issues: result.issues };
      return result.state === 'used' ? { state: 'used', referral } : { state: 'unknown' };
    }
    if (referral.status !== 'booked') return { state: 'used', referral };
    try {
      if (form.action === 'cancel') return { state: 'cancelled', task, referral: await cancelAppointment(referral) };
      if (!form.slot) return { state: 'invalid-form', task, referral, issues: [{ path: 'slot', message: 'Choose a new time' }] };
      let moved = await bookSlot(referral, form.slot, 'patient');
      const booking = moved.booking!;
      await setLinkExpiry(task.taskId, appointmentEnd(booking.start, booking.lengthMinutes));
      if (moved.patient.mobile) {
        moved = (
          await textAndRecord(moved, 'bookingConfirmed', {
            link: await patientLink(task.taskId),
            time: slotTime(booking.start),
            clinic: booking.clinicName,
          })
        ).referral;
      }
      return { state: 'rearranged', task, referral: moved };
    } catch (error) {
      if (error instanceof SlotUnavailableError) {
        return slotTaken(task, referral);
      }
      if (!(error instanceof ConcurrentChangeError)) throw error;
    }
  }
  throw new Error('the referral kept changing; try again');
}

export { choosableSlots };
