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
 */
import { DateTime } from 'luxon';

import { REDIRECT_DESTINATIONS, type RedirectDestination } from './choices.js';
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
}

export type Share = { count: number; of: number; percent: number | null };

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
  };
}

function share(count: number, of: number): Share {
  return { count, of, percent: of ? Math.round((1000 * count) / of) / 10 : null };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

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
  /**
   * Everyone waiting for a first appointment (not only this period's referrals) as of the period's
   * end, or now if the period runs to today: by service and weeks-waited band (see waiting-list.ts).
   */
  waitingList?: WaitingListSummary;
}

export function buildReport(records: ReferralRecord[], period: Period, asOf: Date, rules: FigureRules): Report {
  const bounds = periodBounds(period);
  const inPeriod = records.filter((r) => r.referral.receivedAt >= bounds.start && r.referral.receivedAt < bounds.end);
  const group = (key: (r: ReferralRecord) => string) => {
    const groups = new Map<string, ReferralRecord[]>();
    for (const r of inPeriod) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
    return groups;
  };
  const practices = [...group((r) => r.referral.referrer?.odsCode ?? 'SELF')]
    .map(([odsCode, rs]) => ({ odsCode, ...computeFigures(rs, asOf, rules) }))
    .sort((a, b) => b.referralsReceived.total - a.referralsReceived.total || a.odsCode.localeCompare(b.odsCode))
    .map((p, i) => ({ rank: i + 1, ...p }));
  const weeks = [...group((r) => weekOf(r.referral.receivedAt))]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([weekStarting, rs]) => ({ weekStarting, ...computeFigures(rs, asOf, rules) }));
  return {
    period: { ...period, ...bounds },
    asOf: asOf.toISOString(),
    overall: computeFigures(inPeriod, asOf, rules),
    practices,
    weeks,
  };
}
