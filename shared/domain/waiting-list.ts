/**
 * The waiting list for a first appointment, as of any instant, read from each referral's timeline
 * (its events), never from its current status: a referral closed today may have been waiting last
 * week. Pure: the store reads the referrals (services/waiting-list.ts), this decides.
 *
 * Rules (the README says the same):
 * - The wait starts when the referral is received (`received`). A referral received after the
 *   as-of instant is not counted. A referral screened as an emergency (sent to A&E) never joins.
 * - It ends at the start of the first appointment that took place: one whose start is at or before
 *   the as-of instant, that was not moved (rearranged) or cancelled, by the patient or the clinic,
 *   at or before its start, and that is not recorded as did-not-attend (a DNA keeps the patient
 *   waiting, whenever it is recorded). An appointment whose start has passed with no outcome
 *   recorded yet counts as taken place; should the clinic record a DNA later, the patient is
 *   waiting again, back to the same start. So a snapshot of a past date uses everything known when
 *   it is asked for.
 * - Or it ends when the referral closes without being seen, at that event: triage returns it,
 *   redirects it to a community service or to self-management; a senior review confirms secondary
 *   care; a first contact call ends in advice, emergency care or the patient declining; the referrer
 *   never answers a request for information; the patient cannot be contacted to book, or cancels;
 *   a second did-not-attend closes it; the service lead closes a stopped journey; an emergency
 *   redirect. A journey that stopped (`workflow_failed`, `notification_failed`) is still waiting.
 * - Phone first: the call is a telephone assessment, not the first appointment. A call that books
 *   leaves the patient waiting until that appointment; one that asks for triage or senior review
 *   keeps them waiting; advice, emergency care or declining closes.
 * - Days waited: UK calendar days from the date received to the as-of date (Europe/London; each
 *   instant's own date, so a clock change makes no day 23 or 25 hours long): received on Monday,
 *   counted on the same Monday is 0 days, on the next Monday 7.
 * - Bands: NHS England's Community Health Services (CHS SitRep) waiting-list bands, in whole days:
 *   0-1 weeks is 0-7 days, 1-2 weeks 8-14, 2-4 weeks 15-28, 4-12 weeks 29-84, 12-18 weeks 85-126,
 *   18-52 weeks 127-364, over 52 weeks 365 days or more. A band's upper edge (7, 14, 28, 84, 126,
 *   364 days: exactly 1, 2, 4, 12, 18 or 52 weeks) is inside it; the next day is in the next band.
 * - Service and priority: what the patient waits for as of the instant: the latest service (and
 *   priority) from an accepting triage decision, a senior review that returned them to community
 *   care, a call that booked or fell back to booking, or a booking invitation; before any of those,
 *   screening's.
 */
import { REDIRECT_DESTINATIONS, type RedirectDestination } from './choices.js';
import type { Priority, Referral, ReferralEvent } from './referral.js';
import { SERVICES } from './screening.js';
import { DAY_MS, ukDate } from './time.js';

/** The CHS SitRep bands: `toDays` is the last day inside the band. */
export const WAIT_BANDS = [
  { id: 'weeks0to1', label: '0-1 weeks (0-7 days)', csv: 'waiting_0_1_weeks', fromDays: 0, toDays: 7 },
  { id: 'weeks1to2', label: '1-2 weeks (8-14 days)', csv: 'waiting_1_2_weeks', fromDays: 8, toDays: 14 },
  { id: 'weeks2to4', label: '2-4 weeks (15-28 days)', csv: 'waiting_2_4_weeks', fromDays: 15, toDays: 28 },
  { id: 'weeks4to12', label: '4-12 weeks (29-84 days)', csv: 'waiting_4_12_weeks', fromDays: 29, toDays: 84 },
  { id: 'weeks12to18', label: '12-18 weeks (85-126 days)', csv: 'waiting_12_18_weeks', fromDays: 85, toDays: 126 },
  { id: 'weeks18to52', label: '18-52 weeks (127-364 days)', csv: 'waiting_18_52_weeks', fromDays: 127, toDays: 364 },
  { id: 'over52Weeks', label: 'Over 52 weeks (365 days or more)', csv: 'waiting_over_52_weeks', fromDays: 365, toDays: Infinity },
] as const;
export type WaitBandId = (typeof WAIT_BANDS)[number]['id'];

/** The band a number of whole days waited falls in. */
export function bandOf(days: number): WaitBandId {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days waited must be a whole number from 0, got ${days}`);
  return WAIT_BANDS.find((b) => days <= b.toDays)!.id;
}

/** Midnight UTC of a YYYY-MM-DD date: calendar arithmetic with no time zone in it. */
const dayNumber = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;

/** Whole UK calendar days from the date `receivedAt` falls on to the date `asOf` falls on. */
export function daysWaited(receivedAt: string, asOf: Date | string): number {
  return dayNumber(ukDate(new Date(asOf).toISOString())) - dayNumber(ukDate(receivedAt));
}

/** What the list needs of a referral: the figures' records fit. */
export interface WaitingRecord {
  referral: Pick<Referral, 'id' | 'receivedAt' | 'screening'>;
  timeline: ReferralEvent[];
}

/** One patient waiting, as of the list's instant. */
export interface Waiter {
  referralId: string;
  receivedAt: string;
  daysWaited: number;
  band: WaitBandId;
  service: string;
  priority: Exclude<Priority, 'emergency'>;
}

type Detail = Record<string, unknown> & {
  decision?: string;
  outcome?: string;
  service?: string;
  priority?: string;
  destination?: string;
  start?: string;
  appointment?: string;
  callOutcome?: string;
};
const detailOf = (e: ReferralEvent) => (e.detail ?? {}) as Detail;

/** Events that close a referral without the patient being seen (a second DNA is counted apart). */
function closesUnseen(e: ReferralEvent): boolean {
  const d = detailOf(e);
  switch (e.type) {
    case 'redirected_emergency':
    case 'information_not_received':
    case 'unable_to_contact':
    case 'appointment_cancelled':
    case 'closed_by_service':
      return true;
    case 'triage_decided':
      if (d.decision === 'return' || d.decision === 'self-management') return true;
      // Redirected to a community service closes; to secondary care waits for a senior review.
      return d.decision === 'redirect' && REDIRECT_DESTINATIONS[d.destination as RedirectDestination]?.secondaryCare !== true;
    case 'senior_review_decided':
      return d.decision === 'confirm';
    case 'call_outcome_recorded':
      return d.outcome === 'self-management' || d.outcome === 'emergency' || d.outcome === 'declined';
    default:
      return false;
  }
}

/** The service and priority an event decides the patient waits for, if it decides them. */
function decidesService(e: ReferralEvent): { service?: string; priority?: string } | undefined {
  const d = detailOf(e);
  if (e.type === 'triage_decided' && d.decision === 'accept') return d;
  if (e.type === 'senior_review_decided' && d.decision === 'decline') return d;
  if (e.type === 'call_outcome_recorded' && d.outcome === 'not-reached') return d;
  if (e.type === 'appointment_booked' && d.callOutcome) return d;
  if (e.type === 'booking_invited' || e.type === 'booking_worklist') return d;
  return undefined;
}

interface Appointment {
  start: number;
  /** When it was moved or cancelled, if it was. */
  endedAt?: number;
  didNotAttend: boolean;
}

/** Every appointment the referral had, from the whole timeline (a DNA recorded later counts). */
function appointmentsOf(timeline: ReferralEvent[]): Appointment[] {
  const all: Appointment[] = [];
  let current: Appointment | undefined;
  for (const e of timeline) {
    const d = detailOf(e);
    const at = Date.parse(e.at);
    if (e.type === 'appointment_booked' || e.type === 'appointment_rearranged') {
      if (current && e.type === 'appointment_rearranged') current.endedAt ??= at;
      if (d.start) all.push((current = { start: Date.parse(d.start), didNotAttend: false }));
    } else if ((e.type === 'appointment_cancelled' || e.type === 'appointment_cancelled_by_clinic') && current) {
      current.endedAt ??= at;
      current = undefined;
    } else if (e.type === 'appointment_outcome_recorded' && d.outcome === 'did-not-attend') {
      const start = d.appointment ? Date.parse(d.appointment) : current?.start;
      for (const a of all) if (a.start === start) a.didNotAttend = true;
    }
  }
  return all;
}

/** When the patient was first seen (the start of the first appointment that took place), if ever. */
function firstSeen(timeline: ReferralEvent[]): number | undefined {
  const starts = appointmentsOf(timeline)
    .filter((a) => !a.didNotAttend && (a.endedAt === undefined || a.endedAt > a.start))
    .map((a) => a.start);
  return starts.length ? Math.min(...starts) : undefined;
}

/** The patient's place on the list as of `asOf`, or undefined when they were not waiting then. */
export function waitAsOf({ referral, timeline }: WaitingRecord, asOf: Date): Waiter | undefined {
  const t = asOf.getTime();
  const receivedAt = timeline.find((e) => e.type === 'received')?.at ?? referral.receivedAt;
  if (Date.parse(receivedAt) > t) return undefined;
  const screened = timeline.find((e) => e.type === 'screened');
  const screening: Detail = screened ? detailOf(screened) : { ...referral.screening };
  if (screening.priority === 'emergency') return undefined;

  const known = timeline.filter((e) => Date.parse(e.at) <= t);
  if (known.some(closesUnseen)) return undefined;
  // The first DNA offers a new booking; the second closes the referral.
  const missed = known.filter((e) => e.type === 'appointment_outcome_recorded' && detailOf(e).outcome === 'did-not-attend');
  if (missed.length >= 2) return undefined;
  const seen = firstSeen(timeline);
  if (seen !== undefined && seen <= t) return undefined;

  const decided = known.map(decidesService).filter((d) => d !== undefined);
  const service = decided.findLast((d) => d.service)?.service ?? screening.service;
  const priority = decided.findLast((d) => d.priority)?.priority ?? screening.priority;
  const days = daysWaited(receivedAt, asOf);
  return {
    referralId: referral.id,
    receivedAt,
    daysWaited: days,
    band: bandOf(days),
    service: service ?? 'unknown',
    priority: priority === 'urgent' ? 'urgent' : 'routine',
  };
}

/** Everyone waiting as of `asOf`, longest first (then earliest received, then by reference). */
export function waitersAsOf(records: WaitingRecord[], asOf: Date): Waiter[] {
  return records
    .map((r) => waitAsOf(r, asOf))
    .filter((w) => w !== undefined)
    .sort((a, b) => b.daysWaited - a.daysWaited || a.receivedAt.localeCompare(b.receivedAt) || a.referralId.localeCompare(b.referralId));
}

export type BandCounts = Record<WaitBandId, number> & { total: number };

/** The list in numbers: per band, per service and in all. */
export interface WaitingListSummary {
  /** The instant the list is as of, and the UK date days are counted to. */
  asOf: string;
  asOfDate: string;
  /** Every service, in the order services are listed (those with nobody waiting too), then any other found. */
  services: ({ service: string } & BandCounts)[];
  total: BandCounts;
}

const noCounts = (): BandCounts =>
  Object.assign(Object.fromEntries(WAIT_BANDS.map((b) => [b.id, 0])) as Record<WaitBandId, number>, { total: 0 });

export function summarise(waiters: Waiter[], asOf: Date): WaitingListSummary {
  const byService = new Map<string, BandCounts>(Object.keys(SERVICES).map((s) => [s, noCounts()]));
  const total = noCounts();
  for (const w of waiters) {
    if (!byService.has(w.service)) byService.set(w.service, noCounts());
    for (const counts of [byService.get(w.service)!, total]) {
      counts[w.band] += 1;
      counts.total += 1;
    }
  }
  return {
    asOf: asOf.toISOString(),
    asOfDate: ukDate(asOf.toISOString()),
    services: [...byService].map(([service, counts]) => ({ service, ...counts })),
    total,
  };
}
