/**
 * Emails. Staff emails go through SNS topics and referrer emails through SES; neither is a secure
 * channel, so none carries patient-identifiable data: a referral reference, priority, deadline and
 * a link, with the details behind the link.
 */
import { REDIRECT_DESTINATIONS, type RedirectDestination } from './choices.js';
import type { Priority } from './referral.js';
import { ukTime } from './time.js';

export interface Email {
  subject: string;
  body: string;
}

const footer = '\n\nThis email was sent by MSK Pathway. It contains no patient details; they are behind the link.';

export const staffEmails = {
  triageNeeded: (p: { reference: string; priority: Priority; dueAt: string; link: string }): Email => ({
    subject: `Triage needed (${p.priority}): referral ${p.reference}`,
    body: `A ${p.priority} referral needs triage by ${ukTime(p.dueAt)}.\n\nReference: ${p.reference}\nOpen it: ${p.link}${footer}`,
  }),
  triageReminder: (p: { reference: string; priority: Priority; dueAt: string; link: string }): Email => ({
    subject: `Reminder: triage due ${ukTime(p.dueAt)} for referral ${p.reference}`,
    body:
      `This ${p.priority} referral has not been triaged yet; the 24-hour target runs out at ` +
      `${ukTime(p.dueAt)}.\n\nReference: ${p.reference}\nOpen it: ${p.link}${footer}`,
  }),
  triageBreached: (p: { reference: string; priority: Priority; dueAt: string; link: string }): Email => ({
    subject: `Triage target missed: referral ${p.reference}`,
    body:
      `The ${p.priority} referral ${p.reference} was due for triage by ${ukTime(p.dueAt)} and is still waiting. The ` +
      `breach has been recorded.\n\nOpen it: ${p.link}${footer}`,
  }),
  triageStillOverdue: (p: { reference: string; priority: Priority; dueAt: string; link: string }): Email => ({
    subject: `Still untriaged: referral ${p.reference}`,
    body:
      `The ${p.priority} referral ${p.reference} was due for triage by ${ukTime(p.dueAt)} and is still ` +
      `waiting.\n\nOpen it: ${p.link}${footer}`,
  }),
  callReminder: (p: { reference: string; priority: Priority; dueAt: string; attempts: number; link: string }): Email => ({
    subject: `Reminder: first contact call due ${ukTime(p.dueAt)} for referral ${p.reference}`,
    body:
      `The ${p.priority} referral ${p.reference} is still on the call list (${p.attempts} unanswered attempts so far); ` +
      `the first contact target runs out at ${ukTime(p.dueAt)}.\n\nOpen it: ${p.link}${footer}`,
  }),
  callTargetMissed: (p: { reference: string; priority: Priority; dueAt: string; attempts: number; link: string }): Email => ({
    subject: `First contact target missed: referral ${p.reference}`,
    body:
      `The ${p.priority} referral ${p.reference} was due a first contact call by ${ukTime(p.dueAt)} and the patient has ` +
      `not been reached (${p.attempts} unanswered attempts). The breach has been recorded; it stays on the call list.` +
      `\n\nOpen it: ${p.link}${footer}`,
  }),
  callStillOverdue: (p: { reference: string; priority: Priority; dueAt: string; attempts: number; link: string }): Email => ({
    subject: `Still not called: referral ${p.reference}`,
    body:
      `The ${p.priority} referral ${p.reference} was due a first contact call by ${ukTime(p.dueAt)} and is still on ` +
      `the call list (${p.attempts} unanswered attempts).\n\nOpen it: ${p.link}${footer}`,
  }),
  callEmergency: (p: { reference: string; patientTexted: boolean }): Email => ({
    subject: `Emergency: referral ${p.reference} directed to emergency care on the first contact call`,
    body:
      `A red flag was found on the first contact call for referral ${p.reference}; the physiotherapist directed the ` +
      `patient to emergency care during the call.\n\n` +
      (p.patientTexted
        ? 'The patient is also being sent a text telling them to go to A&E now.'
        : 'The patient has NO MOBILE NUMBER to text: check that the physiotherapist has made sure they are going.') +
      `\n\nThe referral is closed as redirected_emergency.${footer}`,
  }),
  emergency: (p: { reference: string; patientTexted: boolean }): Email => ({
    subject: `Emergency: referral ${p.reference} directed to A&E`,
    body:
      `Referral ${p.reference} reported red flags for suspected cauda equina syndrome and was screened as an emergency.\n\n` +
      (p.patientTexted
        ? 'The patient is being sent a text telling them to go to A&E now.'
        : 'The patient has NO MOBILE NUMBER on file and has not been told: phone the patient or their GP practice now.') +
      `\n\nThe referral is closed as redirected_emergency.${footer}`,
  }),
  seniorReviewNeeded: (p: { reference: string; link: string }): Email => ({
    subject: `Senior review needed before secondary care: referral ${p.reference}`,
    body:
      `Triage proposes sending referral ${p.reference} on to secondary care. Please confirm that the patient wants ` +
      `and is fit for it, or return them to community care.\n\nOpen it: ${p.link}${footer}`,
  }),
  bookingWorklist: (p: { reference: string; windowEnd: string; link: string }): Email => ({
    subject: `To book by phone: referral ${p.reference}`,
    body:
      `Referral ${p.reference} was accepted but the patient cannot book by text (no mobile, opted out, or no free ` +
      `slot in their window). Please contact them and book an appointment, ideally by ${ukTime(p.windowEnd)}.\n\nOpen ` +
      `it: ${p.link}${footer}`,
  }),
  bookingWorklistOverdue: (p: { reference: string; windowEnd: string; link: string }): Email => ({
    subject: `Still to book: referral ${p.reference}`,
    body:
      `Referral ${p.reference} is still waiting for an appointment to be booked (window ends ` +
      `${ukTime(p.windowEnd)}).\n\nOpen it: ${p.link}${footer}`,
  }),
  outcomeNeeded: (p: { reference: string; start: string; link: string }): Email => ({
    subject: `Record the outcome: referral ${p.reference}`,
    body: `Please record the outcome of the appointment on ${ukTime(p.start)} for referral ${p.reference}.\n\nOpen it: ${p.link}${footer}`,
  }),
  outcomeOverdue: (p: { reference: string; start: string; link: string }): Email => ({
    subject: `Outcome still missing: referral ${p.reference}`,
    body:
      `The outcome of the appointment on ${ukTime(p.start)} for referral ${p.reference} has not been recorded ` +
      `yet.\n\nOpen it: ${p.link}${footer}`,
  }),
  seniorReviewOverdue: (p: { reference: string; link: string }): Email => ({
    subject: `Senior review still waiting: referral ${p.reference}`,
    body: `Referral ${p.reference} has waited more than 3 days for senior review before secondary care.\n\nOpen it: ${p.link}${footer}`,
  }),
  workflowStopped: (p: { reference: string; status: string; cause: string; timeline: string }): Email => ({
    subject: `Action needed: referral ${p.reference} has stopped (${p.status})`,
    body:
      `The automatic workflow for referral ${p.reference} stopped: ${p.cause}. It is marked ${p.status} and will not ` +
      `move on by itself.\n\nPlease check where it stands, contact the patient if they may be waiting, and carry it on ` +
      `by hand.\n\nIts timeline (staff sign-in): ${p.timeline}${footer}`,
  }),
  callbackFailed: (p: { reference: string; status: string; client: string; hours: number; timeline: string }): Email => ({
    subject: `Action needed: the referrer's system was not told referral ${p.reference} is ${p.status}`,
    body:
      `The referring system ${p.client} did not accept the update that referral ${p.reference} is now ${p.status}, ` +
      `after trying for ${p.hours} hours. Its later updates are still sent.\n\nPlease tell the referrer another way if ` +
      `they need to know, and ask them to check their system's callback.\n\nIts timeline (staff sign-in): ${p.timeline}${footer}`,
  }),
  patientNotTold: (p: { reference: string; what: string; timeline: string }): Email => ({
    subject: `Patient not texted: referral ${p.reference}`,
    body:
      `The text telling the patient ${p.what} for referral ${p.reference} could not be sent after repeated attempts. ` +
      `The referral carries on; please contact the patient another way.\n\nIts timeline (staff sign-in): ` +
      `${p.timeline}${footer}`,
  }),
};

const destinationLabel = (d?: string) =>
  d && d in REDIRECT_DESTINATIONS ? REDIRECT_DESTINATIONS[d as RedirectDestination].label : 'another service';

export const referrerEmails = {
  optimiseBeforeSurgery: (p: { reference: string; optimise: string }): Email => ({
    subject: `Referral ${p.reference}: not yet fit for surgery`,
    body:
      `A senior clinician reviewed referral ${p.reference}, proposed for surgery. The patient is not yet fit for it, and is ` +
      `being seen in community care meanwhile. Before referring for surgery again, please help them optimise:\n\n${p.optimise}`,
  }),
  returned: (p: { reference: string; advice: string }): Email => ({
    subject: `Referral ${p.reference} returned with advice`,
    body:
      `The MSK service has reviewed referral ${p.reference} and returned it with this advice:\n\n${p.advice}\n\nYour ` +
      `system can also read this from GET /referrals/${p.reference}.`,
  }),
  informationRequested: (p: { reference: string; question: string; replyBy: string }): Email => ({
    subject: `More information needed for referral ${p.reference}`,
    body:
      `The MSK service needs more information to triage referral ${p.reference}:\n\n${p.question}\n\nPlease send it ` +
      `by ${ukTime(p.replyBy)} through POST /referrals/${p.reference}/information. If nothing arrives, the referral ` +
      `will be returned to you.`,
  }),
  noInformationReceived: (p: { reference: string }): Email => ({
    subject: `Referral ${p.reference} returned: no information received`,
    body:
      `The information the MSK service asked for about referral ${p.reference} did not arrive in time, so the ` +
      `referral has been returned to you. Please refer again when you have it.`,
  }),
  declined: (p: { reference: string }): Email => ({
    subject: `Referral ${p.reference}: the patient declined the MSK service`,
    body:
      `A physiotherapist phoned the patient about referral ${p.reference}. The patient declined the service, and the ` +
      `referral is closed. Please refer again if they change their mind.`,
  }),
  unableToContact: (p: { reference: string }): Email => ({
    subject: `Referral ${p.reference} returned: unable to contact the patient`,
    body:
      `The MSK service texted the patient about referral ${p.reference} to book an appointment, and reminded them, ` +
      `but they did not book. The referral is closed as unable to contact; please refer again if still needed.`,
  }),
  cancelledByPatient: (p: { reference: string }): Email => ({
    subject: `Referral ${p.reference}: appointment cancelled by the patient`,
    body:
      `The patient cancelled their appointment for referral ${p.reference}, and the referral is closed. Please refer ` +
      `again if still needed.`,
  }),
  appointmentOutcome: (p: { reference: string; outcome: string }): Email => ({
    subject: `Referral ${p.reference}: ${p.outcome}`,
    body: `Outcome for referral ${p.reference}: ${p.outcome}. Your system can read the details from GET /referrals/${p.reference}.`,
  }),
  redirected: (p: { reference: string; destination?: string }): Email => ({
    subject: `Referral ${p.reference} redirected`,
    body: `The MSK service has reviewed referral ${p.reference} and redirected it to: ${destinationLabel(p.destination)}.`,
  }),
  secondaryCare: (p: { reference: string; destination?: string }): Email => ({
    subject: `Referral ${p.reference} sent on to secondary care`,
    body: `After triage and senior clinical review, referral ${p.reference} is being sent on to: ${destinationLabel(p.destination)}.`,
  }),
};
