/**
 * The figures the service is run and funded by, computed from referrals' timelines (their events),
 * never from counters that could drift. Every figure is about a cohort: the referrals received in
 * the period, followed to where they stand now (`asOf`).
 *
 * Definitions (the dashboard and the CSV say the same):
 * - Triaged within 24 hours: first triage decision (any kind, including a request for
 *   information) at most TRIAGE_SLA_HOURS elapsed hours after arrival; exactly 24 hours counts as
 *   within. Undecided referrals count as missed once 24 hours have passed, and are left out until
 *   then. Emergencies (sent to A&E by screening) are left out: they are not triaged.
 * - Time to triage: elapsed hours from arrival to first decision; median (middle value, or the mean
 *   of the two middle values) and 95th percentile (nearest rank).
 * - Seen within 5 days / 4 weeks: accepted urgent / routine referrals whose first attended
 *   appointment started within the window after acceptance, out of those seen or whose window has
 *   closed.
 * - Diversion from orthopaedics: of referrals screened onto an orthopaedic route (orthopaedic
 *   triage or spinal clinic) and decided, the share not sent on to secondary care.
 * - Did-not-attend rate: appointments recorded as not attended, out of all recorded outcomes.
 * - Unable-to-contact rate: of referrals offered booking, those closed as unable to contact.
 * - SMS per booked appointment: texts sent to the cohort's patients per appointment booked
 *   (rearranged appointments are not new bookings).
 * - First contact within 48 hours (phone-first referrals: screened to start with a call, or to
 *   go straight to booking for want of a number): reached on the first contact call (any outcome
 *   recorded but "not reached") at most FIRST_CONTACT_HOURS elapsed hours after arrival; exactly
 *   48 counts as within. Referrals that fell back (not reached after the last attempt, a wrong
 *   number, or no number to call) count as missed; uncalled ones are left out until 48 hours have
 *   passed, then missed. Time to first contact: elapsed hours to that call; median.
 * - Outcomes of calls: each call's outcome, once recorded (advice only, booked, triage, senior
 *   review, emergency, declined, not reached). Managed by telephone alone: advice only, out of
 *   every call with an outcome (not reached included: they are the calls' patients too).
 * - For phone-first referrals, triage is timed from the call that asked for it (its 24 hours
 *   start then); those the call dealt with are not triaged. Booking after the call (booked on it,
 *   or offered after not being reached) counts as accepted, at that moment, for the seen-within
 *   figures.
 * - Outcome measures (MSK-HQ, pain, PSFS), from the questionnaire events: invited at a timepoint
 *   (baseline, follow-up) when that timepoint's invitation asked the measure and a text carrying
 *   its link went (INVITATION_TEXTS; a link whose text failed is not an invitation); answered when the
 *   answers at that timepoint have a complete score for it (from an invited patient). Response
 *   rates are of invitations, not of all referrals: patients without a mobile are never invited.
 *   Paired: scored at both timepoints, out of those invited at follow-up. Mean change: over the
 *   paired patients, follow-up against baseline in the measure's better direction (positive is
 *   better: a fall in pain counts as positive), to one decimal place. Meaningfully improved: paired
 *   patients whose improvement is at least the measure's meaningful change (MEANINGFUL_CHANGE, else
 *   the measure's default: MSK-HQ 6, pain 2, PSFS 2); exactly the threshold counts as improved.
 * - Global rating of change (follow-up only, so no baseline, pairing or mean change): responses of
 *   those invited, and improved: a rating of at least its meaningful change (default 2: better or
 *   much better), out of the responses.
 * - Friends and Family Test: responses (an FFT answer at follow-up, from an invited patient) of
 *   those invited (the response rate), each of the six answers counted, and % positive: very good
 *   or good out of every response, "Don't know" included (NHS England's definition), against
 *   FFT_TARGET_PERCENT (met when at least the target).
 * - By service: the service the referral was accepted into, else the one screening suggested, else
 *   "unknown". By clinic (FFT only): the clinic of the appointment the patient was discharged from,
 *   as the invitation and answers name it ("Telephone" after telephone advice). By week answered
 *   (FFT only): the week (Monday, UK time) each response came in, which is how the FFT is reported;
 *   the cohort is still the referrals received in the period, so a response given after the period
 *   ends is counted in its own later week. Every other weekly figure is by week received.
 */
import { DateTime } from 'luxon';

import { REDIRECT_DESTINATIONS, type RedirectDestination } from './choices.js';
import {
  FFT_ANSWERS,
  FFT_POSITIVE,
  type FftAnswer,
  improvement,
  INVITATION_TEXTS,
  meaningfulChange,
  MEASURE_IDS,
  type MeasureId,
  MEASURES,
  type Timepoint,
} from './questionnaires.js';
import type { Priority, Referral, ReferralEvent } from './referral.js';
import { DAY_MS, HOUR_MS, SERVICE_TIME_ZONE } from './time.js';
import type { WaitingListSummary } from './waiting-list.js';

export interface ReferralRecord {
  referral: Pick<Referral, 'id' | 'receivedAt' | 'source' | 'referrer' | 'screening'>;
  timeline: ReferralEvent[];
}

export interface FigureRules {
  triageSlaHours: number;
  urgentWindowDays: number;
  routineWindowDays: number;
  firstContactHours: number;
  /** The share of first contacts the service aims to make in time (the dashboard shows it against the figure). */
  firstContactTargetPercent: number;
  /** The service's own meaningful change per measure (MEANINGFUL_CHANGE); a measure not named keeps its default. */
  meaningfulChange?: Partial<Record<MeasureId, number>>;
  /** The FFT's % positive the service aims for. */
  fftTargetPercent: number;
}

export type Share = { count: number; of: number; percent: number | null };

/** One outcome measure's figures (definitions above); null where the measure is not asked at baseline. */
export interface MeasureFigures {
  /** The improvement that counts as meaningful, in the measure's points (the service's or the default). */
  meaningfulChange: number;
  /** Answered, of invited, at baseline and at follow-up: the response rates. */
  baseline: Share | null;
  followUp: Share;
  /** Scored at both timepoints, of those invited at follow-up. */
  paired: Share | null;
  /** Mean improvement over the paired patients (positive is better), one decimal place. */
  meanChange: number | null;
  /** Improved by at least `meaningfulChange`: of the paired patients (the rating of change: of its responses). */
  meaningfullyImproved: Share;
}

/** The FFT's % positive (`count` positive of `of` responses) against its target, and each answer's count. */
export type FftScore = Share & { answers: Record<FftAnswer, number>; targetPercent: number; metTarget: boolean | null };
/** ...and its invitations: `responseRate` is responses of those invited. */
export type FftFigures = FftScore & { invited: number; responseRate: Share };

export interface Figures {
  referralsReceived: { total: number; gp: number; self: number };
  triagedWithin24Hours: Share & { pending: number };
  hoursToTriage: { decided: number; median: number | null; p95: number | null };
  urgentSeenWithin5Days: Share;
  routineSeenWithin4Weeks: Share;
  decisions: {
    accepted: Record<string, number>;
    redirected: number;
    secondaryCare: number;
    returnedWithAdvice: number;
    selfManagement: number;
    emergency: number;
    awaitingInformation: number;
  };
  diversionFromOrthopaedics: Share;
  didNotAttendRate: Share;
  unableToContactRate: Share;
  smsPerBookedAppointment: { sms: number; bookedAppointments: number; ratio: number | null };
  /**
   * Senior reviews before surgery (and first contact calls that discussed surgery and kept the
   * patient from it): how many went on, and why the rest were screened out (the first reason that
   * applies: does not want it, undecided, not yet fit, not fit). Reviews from before the answers
   * were recorded are counted as `unrecorded`.
   */
  surgeryScreening: {
    reviewed: number;
    referred: number;
    notWanted: number;
    undecided: number;
    notYetFit: number;
    notFit: number;
    unrecorded: number;
  };
  /** Phone-first referrals reached on the call in time; `fellBack`: missed because they were offered booking instead. */
  firstContactWithinTarget: Share & {
    withinHours: number;
    pending: number;
    fellBack: number;
    targetPercent: number;
    metTarget: boolean | null;
  };
  hoursToFirstContact: { contacted: number; median: number | null };
  /** Patient-reported outcome measures, by measure. */
  outcomeMeasures: Record<MeasureId, MeasureFigures>;
  friendsAndFamilyTest: FftFigures;
  callOutcomes: {
    calls: number;
    selfManagement: number;
    booked: number;
    triage: number;
    seniorReview: number;
    emergency: number;
    declined: number;
    notReached: number;
    managedByTelephoneAlone: Share;
  };
}

/** A call's outcome as the figures count it (the form's words, and not-reached). */
type CallOutcomeKind = 'self-management' | 'book' | 'triage' | 'senior-review' | 'emergency' | 'declined' | 'not-reached';

/** The first contact call's outcome event: its own, or the booking made on the call. */
type CallDetail = { outcome?: string; callOutcome?: string; priority?: string; wantsSurgery?: string; fitForSurgery?: string };

function callOutcomeOf(
  timeline: ReferralEvent[],
): { kind: CallOutcomeKind; at: number; priority?: string; detail: CallDetail } | undefined {
  for (const e of timeline) {
    const d = (e.detail ?? {}) as CallDetail;
    if (e.type === 'call_outcome_recorded')
      return { kind: d.outcome as CallOutcomeKind, at: Date.parse(e.at), priority: d.priority, detail: d };
    if (e.type === 'appointment_booked' && d.callOutcome) return { kind: 'book', at: Date.parse(e.at), priority: d.priority, detail: d };
  }
  return undefined;
}

/** A call that discussed surgery and kept the patient from it (does not want it, undecided, not fit yet or at all). */
const screenedOutOnCall = (call: { kind: CallOutcomeKind; detail: CallDetail } | undefined) =>
  call !== undefined &&
  call.kind !== 'senior-review' &&
  ((call.detail.wantsSurgery !== undefined && call.detail.wantsSurgery !== 'yes') ||
    (call.detail.fitForSurgery !== undefined && call.detail.fitForSurgery !== 'yes'));

type SurgeryScreening = 'referred' | 'notWanted' | 'undecided' | 'notYetFit' | 'notFit' | 'unrecorded';

/** What a senior review decided about surgery, from its event's detail (codes only). */
function surgeryScreeningOf(detail: { decision?: string; wantsSurgery?: string; fitForSurgery?: string }): SurgeryScreening {
  if (detail.decision === 'confirm') return 'referred';
  if (detail.wantsSurgery === 'no') return 'notWanted';
  if (detail.wantsSurgery === 'undecided') return 'undecided';
  if (detail.fitForSurgery === 'not-yet') return 'notYetFit';
  if (detail.fitForSurgery === 'no') return 'notFit';
  return 'unrecorded';
}

/** What a referral's questionnaire events say: what each timepoint asked, the scores, the FFT answer. */
interface Questionnaires {
  asked: Record<Timepoint, readonly string[]>;
  /** Complete scores at each timepoint, for measures that timepoint asked. */
  scores: Record<Timepoint, Partial<Record<MeasureId, number>>>;
  fft?: { answer: FftAnswer; at: string };
  /** The clinic the follow-up names (the answers', else the invitation's). */
  clinic?: string;
}

type InvitedDetail = { timepoint?: string; questionnaires?: unknown; clinic?: string };
type AnsweredDetail = { timepoint?: string; scores?: Record<string, unknown>; fft?: string; clinic?: string };

function questionnairesOf(timeline: ReferralEvent[]): Questionnaires {
  const answered = (t: Timepoint) =>
    timeline.find((e) => e.type === 'questionnaire_answered' && (e.detail as AnsweredDetail)?.timepoint === t);
  // Invited once a text carrying the link went (a link made whose text failed is not an invitation).
  const texted = (t: Timepoint) =>
    timeline.some(
      (e) =>
        e.type === 'patient_texted' &&
        (INVITATION_TEXTS[t] as readonly string[]).includes(String((e.detail as { template?: unknown })?.template)),
    );
  const invited = (t: Timepoint) => {
    const event = timeline.find((e) => e.type === 'questionnaire_invited' && (e.detail as InvitedDetail)?.timepoint === t);
    return event && (texted(t) || answered(t)) ? (event.detail as InvitedDetail) : undefined;
  };
  const asked = (t: Timepoint) => {
    const ids = invited(t)?.questionnaires;
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  };
  const scores = (t: Timepoint) => {
    const given = (answered(t)?.detail as AnsweredDetail | undefined)?.scores ?? {};
    return Object.fromEntries(
      MEASURE_IDS.flatMap((id) => {
        const value = given[id];
        return asked(t).includes(id) && typeof value === 'number' && Number.isFinite(value) ? [[id, value]] : [];
      }),
    );
  };
  const followUp = answered('follow-up');
  const fft = (followUp?.detail as AnsweredDetail | undefined)?.fft as FftAnswer | undefined;
  return {
    asked: { baseline: asked('baseline'), 'follow-up': asked('follow-up') },
    scores: { baseline: scores('baseline'), 'follow-up': scores('follow-up') },
    fft: followUp && asked('follow-up').includes('fft') && FFT_ANSWERS.includes(fft!) ? { answer: fft!, at: followUp.at } : undefined,
    clinic: (followUp?.detail as AnsweredDetail | undefined)?.clinic ?? invited('follow-up')?.clinic,
  };
}

const ORTHOPAEDIC_ROUTES = new Set(['orthopaedic-triage', 'spinal']);
const ATTENDED = new Set(['attended-discharged', 'attended-follow-up', 'onward-referral']);

/** What one referral contributes, read from its events. */
interface Facts {
  source: 'gp' | 'self';
  emergency: boolean;
  firstContact?: { state: 'within' | 'late' | 'fell-back' | 'pending' | 'missed'; hours?: number };
  call?: CallOutcomeKind;
  hoursToTriage?: number;
  triage: 'within' | 'missed' | 'pending' | 'not-triaged';
  decision?: { kind: string; service?: string };
  surgeryScreening?: SurgeryScreening;
  accepted?: { at: number; priority: Exclude<Priority, 'emergency'> };
  seen?: 'within' | 'late';
  windowClosed: boolean;
  orthopaedicRoute: boolean;
  offeredBooking: boolean;
  unableToContact: boolean;
  sms: number;
  booked: number;
  outcomes: number;
  didNotAttend: number;
  questionnaires: Questionnaires;
}

function factsOf({ referral, timeline }: ReferralRecord, asOf: Date, rules: FigureRules): Facts {
  const of = (type: string) => timeline.filter((e) => e.type === type);
  const received = Date.parse(of('received')[0]?.at ?? referral.receivedAt);
  const emergency = of('redirected_emergency').length > 0;
  const startedWith = (of('screened')[0]?.detail as { firstContact?: string } | undefined)?.firstContact;
  const phoneFirst = startedWith === 'call' || startedWith === 'booking';
  const call = phoneFirst ? callOutcomeOf(timeline) : undefined;

  // Triage's clock starts at arrival, or, after a call that asked for it, at that call.
  const triageFrom = phoneFirst ? (call?.kind === 'triage' ? call.at : undefined) : received;
  const decisions = of('triage_decided');
  const first = decisions[0];
  const hoursToTriage = first && triageFrom !== undefined ? (Date.parse(first.at) - triageFrom) / HOUR_MS : undefined;
  const triage =
    emergency || triageFrom === undefined
      ? 'not-triaged'
      : hoursToTriage !== undefined
        ? hoursToTriage <= rules.triageSlaHours
          ? 'within'
          : 'missed'
        : asOf.getTime() - triageFrom > rules.triageSlaHours * HOUR_MS
          ? 'missed'
          : 'pending';

  let firstContact: Facts['firstContact'];
  if (phoneFirst) {
    const hours = call && call.kind !== 'not-reached' ? (call.at - received) / HOUR_MS : undefined;
    firstContact =
      hours !== undefined
        ? { state: hours <= rules.firstContactHours ? 'within' : 'late', hours }
        : call || startedWith === 'booking'
          ? { state: 'fell-back' }
          : { state: asOf.getTime() - received > rules.firstContactHours * HOUR_MS ? 'missed' : 'pending' };
  }

  // The decision that stands: the last triage decision, as settled by a senior review.
  const last = decisions.at(-1)?.detail as { decision?: string; service?: string; priority?: Priority; destination?: string } | undefined;
  const review = of('senior_review_decided').at(-1);
  let decision: Facts['decision'];
  let accepted: Facts['accepted'];
  if (emergency) decision = { kind: 'emergency' };
  else if (last?.decision === 'accept') decision = { kind: 'accepted', service: last.service };
  else if (last?.decision === 'redirect') {
    const secondary = REDIRECT_DESTINATIONS[last.destination as RedirectDestination]?.secondaryCare;
    const reviewDetail = review?.detail as { decision?: string; service?: string } | undefined;
    if (!secondary) decision = { kind: 'redirected' };
    else if (reviewDetail?.decision === 'confirm') decision = { kind: 'secondary-care' };
    else if (reviewDetail?.decision === 'decline') decision = { kind: 'accepted', service: reviewDetail.service };
  } else if (last?.decision) decision = { kind: last.decision };
  if (decision?.kind === 'accepted') {
    const acceptedBy = review && last?.decision === 'redirect' ? review : decisions.at(-1)!;
    const priority = ((acceptedBy.detail as { priority?: Priority }).priority ?? 'routine') as Exclude<Priority, 'emergency'>;
    accepted = { at: Date.parse(acceptedBy.at), priority };
  } else if (phoneFirst && call?.kind === 'senior-review' && review) {
    // The call proposed secondary care: the senior review settles it, as after triage.
    const reviewDetail = review.detail as { decision?: string; service?: string; priority?: Priority };
    if (reviewDetail.decision === 'confirm') decision = { kind: 'secondary-care' };
    else if (reviewDetail.decision === 'decline') {
      decision = { kind: 'accepted', service: reviewDetail.service };
      accepted = { at: Date.parse(review.at), priority: reviewDetail.priority === 'urgent' ? 'urgent' : 'routine' };
    }
  } else if (phoneFirst && !decision) {
    // Booked on the call, or offered booking after it (or for want of a number): accepted then.
    const offer = of('booking_invited')[0] ?? of('booking_worklist')[0];
    const acceptedAt =
      call?.kind === 'book' ? call : offer && { at: Date.parse(offer.at), priority: (offer.detail as { priority?: string })?.priority };
    if (acceptedAt) {
      const service = ((offer ?? of('appointment_booked')[0])?.detail as { service?: string } | undefined)?.service;
      decision = { kind: 'accepted', service: service ?? referral.screening?.service };
      accepted = { at: acceptedAt.at, priority: acceptedAt.priority === 'urgent' ? 'urgent' : 'routine' };
    } else if (call?.kind === 'self-management') decision = { kind: 'self-management' };
  }

  const windowDays = accepted?.priority === 'urgent' ? rules.urgentWindowDays : rules.routineWindowDays;
  const outcomes = of('appointment_outcome_recorded').map((e) => e.detail as { outcome?: string; appointment?: string });
  const attended = outcomes.find((o) => ATTENDED.has(o.outcome ?? '') && o.appointment);
  const seen =
    accepted && attended ? (Date.parse(attended.appointment!) - accepted.at <= windowDays * DAY_MS ? 'within' : 'late') : undefined;

  return {
    source: referral.source === 'self' ? 'self' : 'gp',
    emergency,
    firstContact,
    call: call?.kind,
    hoursToTriage,
    triage,
    decision,
    surgeryScreening: review
      ? surgeryScreeningOf(review.detail as Parameters<typeof surgeryScreeningOf>[0])
      : screenedOutOnCall(call)
        ? surgeryScreeningOf(call!.detail)
        : undefined,
    accepted,
    seen,
    windowClosed: accepted ? asOf.getTime() - accepted.at >= windowDays * DAY_MS : false,
    orthopaedicRoute: ORTHOPAEDIC_ROUTES.has(referral.screening?.service ?? ''),
    offeredBooking: of('booking_invited').length + of('booking_worklist').length > 0,
    unableToContact: of('unable_to_contact').length > 0,
    sms: of('patient_texted').length,
    booked: of('appointment_booked').length,
    outcomes: outcomes.length,
    didNotAttend: outcomes.filter((o) => o.outcome === 'did-not-attend').length,
    questionnaires: questionnairesOf(timeline),
  };
}

function share(count: number, of: number): Share {
  return { count, of, percent: of ? Math.round((1000 * count) / of) / 10 : null };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

function measureFigures(facts: Facts[], id: MeasureId, rules: FigureRules): MeasureFigures {
  const measure = MEASURES[id];
  const threshold = meaningfulChange(measure, rules.meaningfulChange ?? {});
  const q = facts.map((f) => f.questionnaires);
  const rate = (t: Timepoint) =>
    share(q.filter((x) => x.scores[t][id] !== undefined).length, q.filter((x) => x.asked[t].includes(id)).length);
  const followUp = rate('follow-up');
  if (!measure.timepoints.includes('baseline')) {
    // A rating of change is itself the change: improved is a rating at or above the threshold.
    const ratings = q.flatMap((x) => (x.scores['follow-up'][id] === undefined ? [] : [x.scores['follow-up'][id]]));
    const improved = share(ratings.filter((r) => r >= threshold).length, ratings.length);
    return { meaningfulChange: threshold, baseline: null, followUp, paired: null, meanChange: null, meaningfullyImproved: improved };
  }
  const changes = q.flatMap((x) => {
    const change = improvement(measure, x.scores.baseline[id], x.scores['follow-up'][id]);
    return change === undefined ? [] : [change];
  });
  return {
    meaningfulChange: threshold,
    baseline: rate('baseline'),
    followUp,
    paired: share(changes.length, followUp.of),
    meanChange: changes.length ? round1(changes.reduce((a, b) => a + b, 0) / changes.length) : null,
    meaningfullyImproved: share(changes.filter((c) => c >= threshold).length, changes.length),
  };
}

/** The FFT's % positive of these answers, against the target. */
export function fftScore(answers: FftAnswer[], targetPercent: number): FftScore {
  const positive = share(answers.filter((a) => FFT_POSITIVE.includes(a)).length, answers.length);
  return {
    ...positive,
    answers: Object.fromEntries(FFT_ANSWERS.map((a) => [a, answers.filter((x) => x === a).length])) as Record<FftAnswer, number>,
    targetPercent,
    metTarget: positive.percent === null ? null : positive.percent >= targetPercent,
  };
}

function fftFigures(facts: Facts[], rules: FigureRules): FftFigures {
  const answers = facts.flatMap((f) => (f.questionnaires.fft ? [f.questionnaires.fft.answer] : []));
  const invited = facts.filter((f) => f.questionnaires.asked['follow-up'].includes('fft')).length;
  return { ...fftScore(answers, rules.fftTargetPercent), invited, responseRate: share(answers.length, invited) };
}

export function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile: the smallest value with at least p% of values at or below it. */
export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function computeFigures(records: ReferralRecord[], asOf: Date, rules: FigureRules): Figures {
  const facts = records.map((r) => factsOf(r, asOf, rules));
  const count = (test: (f: Facts) => boolean) => facts.filter(test).length;
  const hours = facts.flatMap((f) => (f.hoursToTriage === undefined || f.emergency ? [] : [f.hoursToTriage]));
  const seenShare = (priority: 'urgent' | 'routine') => {
    const cohort = facts.filter((f) => f.accepted?.priority === priority && (f.seen || f.windowClosed));
    return share(cohort.filter((f) => f.seen === 'within').length, cohort.length);
  };
  const accepted: Record<string, number> = {};
  for (const f of facts)
    if (f.decision?.kind === 'accepted') accepted[f.decision.service ?? 'unknown'] = (accepted[f.decision.service ?? 'unknown'] ?? 0) + 1;
  const orthopaedic = facts.filter((f) => f.orthopaedicRoute && f.decision && f.decision.kind !== 'request-information');
  const sms = facts.reduce((n, f) => n + f.sms, 0);
  const booked = facts.reduce((n, f) => n + f.booked, 0);
  const outcomes = facts.reduce((n, f) => n + f.outcomes, 0);
  const within = count((f) => f.triage === 'within');
  const missed = count((f) => f.triage === 'missed');
  const reached = count((f) => f.firstContact?.state === 'within');
  const notReached = count((f) => f.firstContact !== undefined && f.firstContact.state !== 'within' && f.firstContact.state !== 'pending');
  const contactHours = facts.flatMap((f) => (f.firstContact?.hours === undefined ? [] : [f.firstContact.hours]));
  const firstContactShare = share(reached, reached + notReached);
  const calls = count((f) => f.call !== undefined);
  const calledAs = (kind: CallOutcomeKind) => count((f) => f.call === kind);

  return {
    referralsReceived: { total: facts.length, gp: count((f) => f.source === 'gp'), self: count((f) => f.source === 'self') },
    triagedWithin24Hours: { ...share(within, within + missed), pending: count((f) => f.triage === 'pending') },
    hoursToTriage: {
      decided: hours.length,
      median: median(hours) === null ? null : round1(median(hours)!),
      p95: percentile(hours, 95) === null ? null : round1(percentile(hours, 95)!),
    },
    urgentSeenWithin5Days: seenShare('urgent'),
    routineSeenWithin4Weeks: seenShare('routine'),
    decisions: {
      accepted,
      redirected: count((f) => f.decision?.kind === 'redirected'),
      secondaryCare: count((f) => f.decision?.kind === 'secondary-care'),
      returnedWithAdvice: count((f) => f.decision?.kind === 'return'),
      selfManagement: count((f) => f.decision?.kind === 'self-management'),
      emergency: count((f) => f.decision?.kind === 'emergency'),
      awaitingInformation: count((f) => f.decision?.kind === 'request-information'),
    },
    diversionFromOrthopaedics: share(orthopaedic.filter((f) => f.decision!.kind !== 'secondary-care').length, orthopaedic.length),
    didNotAttendRate: share(
      facts.reduce((n, f) => n + f.didNotAttend, 0),
      outcomes,
    ),
    unableToContactRate: share(
      count((f) => f.unableToContact),
      count((f) => f.offeredBooking),
    ),
    smsPerBookedAppointment: { sms, bookedAppointments: booked, ratio: booked ? Math.round((100 * sms) / booked) / 100 : null },
    surgeryScreening: {
      reviewed: count((f) => f.surgeryScreening !== undefined),
      referred: count((f) => f.surgeryScreening === 'referred'),
      notWanted: count((f) => f.surgeryScreening === 'notWanted'),
      undecided: count((f) => f.surgeryScreening === 'undecided'),
      notYetFit: count((f) => f.surgeryScreening === 'notYetFit'),
      notFit: count((f) => f.surgeryScreening === 'notFit'),
      unrecorded: count((f) => f.surgeryScreening === 'unrecorded'),
    },
    firstContactWithinTarget: {
      ...firstContactShare,
      pending: count((f) => f.firstContact?.state === 'pending'),
      fellBack: count((f) => f.firstContact?.state === 'fell-back'),
      withinHours: rules.firstContactHours,
      targetPercent: rules.firstContactTargetPercent,
      metTarget: firstContactShare.percent === null ? null : firstContactShare.percent >= rules.firstContactTargetPercent,
    },
    hoursToFirstContact: { contacted: contactHours.length, median: median(contactHours) === null ? null : round1(median(contactHours)!) },
    outcomeMeasures: Object.fromEntries(MEASURE_IDS.map((id) => [id, measureFigures(facts, id, rules)])) as Record<
      MeasureId,
      MeasureFigures
    >,
    friendsAndFamilyTest: fftFigures(facts, rules),
    callOutcomes: {
      calls,
      selfManagement: calledAs('self-management'),
      booked: calledAs('book'),
      triage: calledAs('triage'),
      seniorReview: calledAs('senior-review'),
      emergency: calledAs('emergency'),
      declined: calledAs('declined'),
      notReached: calledAs('not-reached'),
      managedByTelephoneAlone: share(calledAs('self-management'), calls),
    },
  };
}

/** A period of whole days in the service's time zone; `to` is the last day included. */
export interface Period {
  from: string;
  to: string;
}

/** Longest period one request may ask for. */
export const MAX_PERIOD_DAYS = 400;
/** The period when none is asked for: the last four weeks, today included. */
export const DEFAULT_PERIOD_DAYS = 28;

/** The instants a period covers: from the first day's midnight to the midnight after the last, UK time. */
export function periodBounds(period: Period): { start: string; end: string } {
  const start = DateTime.fromISO(period.from, { zone: SERVICE_TIME_ZONE }).startOf('day');
  const end = DateTime.fromISO(period.to, { zone: SERVICE_TIME_ZONE }).plus({ days: 1 }).startOf('day');
  return { start: start.toUTC().toISO()!, end: end.toUTC().toISO()! };
}

/** The Monday (UK time) of the week an instant falls in, as a date. */
export function weekOf(instant: string): string {
  return DateTime.fromISO(instant, { zone: 'utc' }).setZone(SERVICE_TIME_ZONE).startOf('week').toISODate()!;
}

/** Today's date in the service's time zone, `days` ago. */
export function ukDate(at: Date, daysAgo = 0): string {
  return DateTime.fromJSDate(at, { zone: SERVICE_TIME_ZONE }).minus({ days: daysAgo }).toISODate()!;
}

export interface Report {
  period: Period & { start: string; end: string };
  asOf: string;
  overall: Figures;
  /** One row per referring practice (ODS code; self-referrals as SELF), most referrals first. */
  practices: ({ rank: number; odsCode: string } & Figures)[];
  /** One row per week (starting Monday, UK time) with referrals in the period. */
  weeks: ({ weekStarting: string } & Figures)[];
  /** One row per service (accepted into, else screened for, else "unknown"), most referrals first. */
  services: ({ service: string } & Figures)[];
  /** FFT by the clinic the patient was discharged from ("Telephone" after telephone advice), by name. */
  clinics: ({ clinic: string } & FftFigures)[];
  /** FFT by the week (Monday, UK time) each response came in, the FFT's own convention; earliest first. */
  fftWeeks: ({ weekStarting: string } & FftScore)[];
  /**
   * Everyone waiting for a first appointment (not only this period's referrals) as of the period's
   * end, or now if the period runs to today: by service and weeks-waited band (see waiting-list.ts).
   */
  waitingList?: WaitingListSummary;
}

export function buildReport(records: ReferralRecord[], period: Period, asOf: Date, rules: FigureRules): Report {
  const bounds = periodBounds(period);
  const inPeriod = records.filter((r) => r.referral.receivedAt >= bounds.start && r.referral.receivedAt < bounds.end);
  const group = (key: (r: ReferralRecord) => string, include: (r: ReferralRecord) => boolean = () => true) => {
    const groups = new Map<string, ReferralRecord[]>();
    for (const r of inPeriod.filter(include)) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
    return groups;
  };
  const practices = [...group((r) => r.referral.referrer?.odsCode ?? 'SELF')]
    .map(([odsCode, rs]) => ({ odsCode, ...computeFigures(rs, asOf, rules) }))
    .sort((a, b) => b.referralsReceived.total - a.referralsReceived.total || a.odsCode.localeCompare(b.odsCode))
    .map((p, i) => ({ rank: i + 1, ...p }));
  const weeks = [...group((r) => weekOf(r.referral.receivedAt))]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([weekStarting, rs]) => ({ weekStarting, ...computeFigures(rs, asOf, rules) }));
  const facts = new Map(inPeriod.map((r) => [r, factsOf(r, asOf, rules)]));
  const services = [...group((r) => facts.get(r)!.decision?.service ?? r.referral.screening?.service ?? 'unknown')]
    .map(([service, rs]) => ({ service, ...computeFigures(rs, asOf, rules) }))
    .sort((a, b) => b.referralsReceived.total - a.referralsReceived.total || a.service.localeCompare(b.service));
  const fftGiven = (r: ReferralRecord) => facts.get(r)!.questionnaires;
  const clinics = [
    ...group(
      (r) => fftGiven(r).clinic ?? 'unknown',
      (r) => fftGiven(r).asked['follow-up'].includes('fft') || !!fftGiven(r).fft,
    ),
  ]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([clinic, rs]) => ({
      clinic,
      ...fftFigures(
        rs.map((r) => facts.get(r)!),
        rules,
      ),
    }));
  const fftWeeks = [
    ...group(
      (r) => weekOf(fftGiven(r).fft!.at),
      (r) => !!fftGiven(r).fft,
    ),
  ]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([weekStarting, rs]) => ({
      weekStarting,
      ...fftScore(
        rs.map((r) => fftGiven(r).fft!.answer),
        rules.fftTargetPercent,
      ),
    }));
  return {
    period: { ...period, ...bounds },
    asOf: asOf.toISOString(),
    overall: computeFigures(inPeriod, asOf, rules),
    practices,
    weeks,
    services,
    clinics,
    fftWeeks,
  };
}
