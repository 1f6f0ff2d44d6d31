/**
 * The patient's own links, from their texts: book an appointment, or see, change or cancel the
 * one they have. Opening a link only shows; every change is a POST.
 */
import { now } from '../clock.js';
import { appointmentEnd } from '../domain/booking.js';
import { mobileForTexts } from '../domain/contact.js';
import type { FieldIssue } from '../domain/field-issues.js';
import { parseForm } from '../domain/forms.js';
import type { Referral } from '../domain/referral.js';
import { slotTime } from '../domain/time.js';
import { STEP_LINKS, type TaskKind } from '../domain/vocabulary.js';
import { ConcurrentChangeError } from '../store/errors.js';
import { getReferral } from '../store/referrals.js';
import { getTaskByPatientLink, setLinkExpiry, type Task } from '../store/tasks.js';
import { bookSlot, cancelAppointment, choosableSlots, SlotUnavailableError, wakeAppointmentWait } from './booking.js';
import { superseded } from './decisions.js';
import { linkId, patientLink } from './links.js';
import { textAndRecord } from './notifications.js';
import { answerQuestionnaire, baselineStillOpen } from './questionnaires.js';
import { changeAppointmentFormSchema } from './steps/booking.js';
import { stepFor } from './steps/index.js';

export type PatientLinkState =
  | { state: 'invalid' }
  | { state: 'unknown' }
  | { state: 'expired'; kind?: TaskKind }
  | { state: 'used'; referral: Referral; kind: TaskKind }
  | { state: 'open'; task: Task; referral: Referral };

export async function resolvePatientLink(signed: string): Promise<PatientLinkState> {
  // A staff link, or one made up, is refused before anything is looked up.
  const id = await linkId(signed, 'patient');
  if (!id) return { state: 'invalid' };
  const task = await getTaskByPatientLink(id);
  // The patient's own links: a step they act on (booking), their appointment, or a questionnaire.
  const step = task && stepFor(task.kind);
  if (!task || (step ? !STEP_LINKS[step.kind].patient : task.kind !== 'appointment' && task.kind !== 'questionnaire'))
    return { state: 'unknown' };
  const referral = await getReferral(task.referralId);
  if (!referral) return { state: 'unknown' };
  const actsOnce = step !== undefined || task.kind === 'questionnaire';
  if (actsOnce && task.decidedAt) return { state: 'used', referral, kind: task.kind };
  // A baseline questionnaire is about before treatment: it closes at the first appointment.
  const over = task.kind === 'questionnaire' && task.timepoint === 'baseline' && !baselineStillOpen(referral);
  if (task.linkExpiresAt <= now().toISOString() || (step && superseded(task, referral)) || over)
    return { state: 'expired', kind: task.kind };
  return { state: 'open', task, referral };
}

export type PatientActionResult =
  | Exclude<PatientLinkState, { state: 'open' }>
  | { state: 'invalid-form'; task: Task; referral: Referral; issues: FieldIssue[] }
  | { state: 'answered'; task: Task; referral: Referral }
  | { state: 'slot-taken'; task: Task; referral: Referral }
  | { state: 'booked' | 'rearranged' | 'cancelled'; task: Task; referral: Referral };

export async function patientAction(signed: string, form: Record<string, string>): Promise<PatientActionResult> {
  for (let attempt = 1; attempt <= 4; attempt++) {
    const link = await resolvePatientLink(signed);
    if (link.state !== 'open') return link;
    const { task, referral } = link;
    if (task.kind === 'questionnaire') {
      const answered = await answerQuestionnaire(task, referral, form);
      switch (answered.state) {
        case 'answered':
          return { state: 'answered', task, referral: answered.referral };
        case 'invalid-form':
          return { state: 'invalid-form', task, referral, issues: answered.issues };
        case 'used':
          return { state: 'used', referral, kind: task.kind };
        default:
          return { state: 'expired', kind: task.kind };
      }
    }
    const step = stepFor(task.kind);
    if (step) {
      const result = await step.decide!(task, referral, form, { by: 'patient', actor: 'patient' });
      if (result === 'raced') continue;
      // Patients act only on booking (STEP_LINKS): nothing else is reached through their links.
      if (result.state === 'attempt-recorded') throw new Error(`a patient cannot record a call (${task.kind})`);
      return result.state === 'decided' ? { state: 'booked', task, referral: result.referral } : result;
    }
    if (referral.status !== 'booked') return { state: 'used', referral, kind: task.kind };
    try {
      if (form.action === 'cancel') {
        const cancelled = await cancelAppointment(referral);
        await wakeAppointmentWait(cancelled); // it closes now, not at the old appointment's time
        return { state: 'cancelled', task, referral: cancelled };
      }
      const parsed = parseForm(changeAppointmentFormSchema, form);
      if ('issues' in parsed) return { state: 'invalid-form', task, referral, issues: parsed.issues };
      let moved = await bookSlot(referral, parsed.slot, 'patient');
      const booking = moved.booking!;
      await setLinkExpiry(task.taskId, appointmentEnd(booking.start, booking.lengthMinutes));
      if (mobileForTexts(moved)) {
        moved = (
          await textAndRecord(moved, 'bookingConfirmed', {
            link: await patientLink(task.patientLinkId!),
            time: slotTime(booking.start),
            clinic: booking.clinicName,
          })
        ).referral;
      }
      // The sleeping workflow re-plans: a reminder for an earlier time is not missed.
      await wakeAppointmentWait(moved);
      return { state: 'rearranged', task, referral: moved };
    } catch (error) {
      if (error instanceof SlotUnavailableError) return { state: 'slot-taken', task, referral };
      if (!(error instanceof ConcurrentChangeError)) throw error;
    }
  }
  throw new Error('the referral kept changing; try again');
}

export { choosableSlots };
