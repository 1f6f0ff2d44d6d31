/**
 * The dashboard's figures from a fixture of referrals with known timings, checked exactly,
 * including decisions at exactly 24 hours, the clock changes in March and October, and empty periods.
 */
import { describe, expect, it } from 'vitest';

import { buildReport, median, percentile, periodBounds, type ReferralRecord } from '../../shared/domain/figures.js';
import type { EventType } from '../../shared/domain/vocabulary.js';
import { FIGURE_RULES } from '../support/fixtures.js';

const RULES = FIGURE_RULES;
const AS_OF = new Date('2026-11-01T12:00:00Z');
const OCTOBER = { from: '2026-10-01', to: '2026-10-31' };

type Ev = [type: EventType, at: string, detail?: Record<string, unknown>];
function referral(id: string, receivedAt: string, from: string | null, screenedAs: string, events: Ev[]): ReferralRecord {
  return {
    referral: {
      id,
      receivedAt,
      source: from ? 'gp' : 'self',
      referrer: from ? { odsCode: from, name: 'Dr X', email: 'x@example.nhs.uk' } : undefined,
      screening: { priority: 'routine', service: screenedAs as never, reasons: [] },
    },
    timeline: [['received', receivedAt] as Ev, ...events].map(([type, at, detail]) => ({ type, at, actor: 'test', detail })),
  };
}
const texted = (at: string, times: number): Ev[] => Array.from({ length: times }, () => ['patient_texted', at] as Ev);
const accept = (at: string, service: string, priority: string): Ev => ['triage_decided', at, { decision: 'accept', service, priority }];
const booked = (at: string, start: string): Ev => ['appointment_booked', at, { start }];
const outcome = (at: string, result: string, appointment: string): Ev => [
  'appointment_outcome_recorded',
  at,
  { outcome: result, appointment },
];

const fixture: ReferralRecord[] = [
  // Decided at exactly 24 hours: within. Routine, seen in 14 days.
  referral('R1', '2026-10-05T09:00:00.000Z', 'P81001', 'physiotherapy', [
    accept('2026-10-06T09:00:00.000Z', 'physiotherapy', 'routine'),
    ['booking_invited', '2026-10-06T09:01:00.000Z'],
    ...texted('2026-10-06T09:01:00.000Z', 3),
    booked('2026-10-07T10:00:00.000Z', '2026-10-20T10:00:00.000Z'),
    outcome('2026-10-20T11:00:00.000Z', 'attended-discharged', '2026-10-20T10:00:00.000Z'),
  ]),
  // A minute over 24 hours: missed. Urgent, seen 4.99 days after acceptance.
  referral('R2', '2026-10-06T09:00:00.000Z', 'P81001', 'physiotherapy', [
    accept('2026-10-07T09:01:00.000Z', 'physiotherapy', 'urgent'),
    ['booking_invited', '2026-10-07T09:02:00.000Z'],
    ...texted('2026-10-07T09:02:00.000Z', 2),
    booked('2026-10-07T12:00:00.000Z', '2026-10-12T09:00:00.000Z'),
    outcome('2026-10-12T10:00:00.000Z', 'attended-follow-up', '2026-10-12T09:00:00.000Z'),
  ]),
  // Arrives 00:30 UK time on the day the clocks go back; orthopaedic route, confirmed for surgery.
  referral('R3', '2026-10-24T23:30:00.000Z', 'P82002', 'orthopaedic-triage', [
    ['triage_decided', '2026-10-25T01:30:00.000Z', { decision: 'redirect', destination: 'orthopaedic-surgery' }],
    ['senior_review_decided', '2026-10-26T10:00:00.000Z', { decision: 'confirm' }],
    ...texted('2026-10-25T00:00:00.000Z', 1),
  ]),
  // Self-referral on an orthopaedic route kept in community care; never booked: unable to contact.
  referral('R4', '2026-10-10T12:00:00.000Z', null, 'orthopaedic-triage', [
    accept('2026-10-10T15:00:00.000Z', 'orthopaedic-triage', 'routine'),
    ['booking_invited', '2026-10-10T15:01:00.000Z'],
    ...texted('2026-10-10T15:01:00.000Z', 4),
    ['unable_to_contact', '2026-10-24T15:01:00.000Z'],
  ]),
  // Emergency, arriving 00:30 UK time on a Monday (still Sunday in UTC): not triaged.
  referral('R5', '2026-10-11T23:30:00.000Z', 'P81001', 'physiotherapy', [
    ['redirected_emergency', '2026-10-11T23:30:01.000Z'],
    ...texted('2026-10-11T23:30:01.000Z', 1),
  ]),
  // Undecided after 14 hours: pending, not missed.
  referral('R6', '2026-10-31T22:00:00.000Z', 'P82002', 'physiotherapy', []),
  // Undecided after days: missed.
  referral('R7', '2026-10-20T10:00:00.000Z', 'P82002', 'physiotherapy', []),
  // 23:30 UTC on 30 September is 00:30 on 1 October in the UK (summer time): inside October.
  referral('R8', '2026-09-30T23:30:00.000Z', 'P83003', 'physiotherapy', [
    ['triage_decided', '2026-10-01T09:30:00.000Z', { decision: 'return' }],
  ]),
  // 00:30 UTC on 1 November is 00:30 in the UK (winter time): outside October.
  referral('R9', '2026-11-01T00:30:00.000Z', 'P83003', 'physiotherapy', [
    ['triage_decided', '2026-11-01T01:30:00.000Z', { decision: 'return' }],
  ]),
  referral('R10', '2026-10-13T08:00:00.000Z', 'P81001', 'physiotherapy', [
    ['triage_decided', '2026-10-14T14:00:00.000Z', { decision: 'self-management' }],
  ]),
  // Did not attend, re-booked, attended within the routine window.
  referral('R11', '2026-10-02T10:00:00.000Z', 'P81001', 'physiotherapy', [
    accept('2026-10-02T12:00:00.000Z', 'physiotherapy', 'routine'),
    ['booking_invited', '2026-10-02T12:01:00.000Z'],
    ...texted('2026-10-02T12:01:00.000Z', 4),
    booked('2026-10-02T13:00:00.000Z', '2026-10-09T10:00:00.000Z'),
    outcome('2026-10-09T11:00:00.000Z', 'did-not-attend', '2026-10-09T10:00:00.000Z'),
    booked('2026-10-10T13:00:00.000Z', '2026-10-16T10:00:00.000Z'),
    outcome('2026-10-16T11:00:00.000Z', 'attended-discharged', '2026-10-16T10:00:00.000Z'),
  ]),
  referral('R12', '2026-10-03T10:00:00.000Z', 'P82002', 'physiotherapy', [
    ['triage_decided', '2026-10-03T20:00:00.000Z', { decision: 'request-information' }],
  ]),
  // Urgent, spinal route, window closed without being seen.
  referral('R13', '2026-10-15T10:00:00.000Z', 'P82002', 'spinal', [
    accept('2026-10-15T18:00:00.000Z', 'spinal', 'urgent'),
    ['booking_invited', '2026-10-15T18:01:00.000Z'],
  ]),
  referral('R14', '2026-10-27T09:00:00.000Z', null, 'physiotherapy', [
    ['triage_decided', '2026-10-27T10:00:00.000Z', { decision: 'redirect', destination: 'falls-service' }],
  ]),
];

describe('first contact figures (phone first)', () => {
  const h = (receivedAt: string, hours: number) => new Date(Date.parse(receivedAt) + hours * 3_600_000).toISOString();
  /** A phone-first referral: screened to start with a call (or, with no number, straight to booking). */
  const phoned = (id: string, receivedAt: string, from: string, events: Ev[], firstContact = 'call') =>
    referral(id, receivedAt, from, 'physiotherapy', [['screened', receivedAt, { priority: 'routine', firstContact }], ...events]);
  const attempt = (at: string, n: number): Ev => ['call_attempted', at, { attempt: n, result: 'no-answer' }];
  const called = (at: string, outcome: string, extra: Record<string, unknown> = {}): Ev => [
    'call_outcome_recorded',
    at,
    { outcome, ...extra },
  ];
  const C = {
    C1: '2026-10-05T09:00:00.000Z',
    C2: '2026-10-05T10:00:00.000Z',
    C3: '2026-10-06T09:00:00.000Z',
    C4: '2026-10-07T09:00:00.000Z',
    C5: '2026-10-07T10:00:00.000Z',
    C6: '2026-10-31T20:00:00.000Z',
    C7: '2026-10-20T09:00:00.000Z',
    C8: '2026-10-13T09:00:00.000Z',
    C9: '2026-10-14T09:00:00.000Z',
    C10: '2026-10-14T10:00:00.000Z',
    C11: '2026-10-15T09:00:00.000Z',
  };
  const phoneFirst: ReferralRecord[] = [
    // Reached at exactly 48 hours after two unanswered attempts: within. Advice only.
    phoned('C1', C.C1, 'P81001', [attempt(h(C.C1, 2), 1), attempt(h(C.C1, 20), 2), called(h(C.C1, 48), 'self-management')]),
    // A minute over 48 hours: late. Booked on the call (urgent): accepted then.
    phoned('C2', C.C2, 'P81001', [
      [
        'appointment_booked',
        h(C.C2, 48 + 1 / 60),
        { callOutcome: 'book', service: 'physiotherapy', priority: 'urgent', start: h(C.C2, 72) },
      ],
    ]),
    // Three unanswered attempts: fell back to booking by text.
    phoned('C3', C.C3, 'P81001', [
      attempt(h(C.C3, 1), 1),
      attempt(h(C.C3, 10), 2),
      called(h(C.C3, 30), 'not-reached', { attempts: 3, result: 'no-answer' }),
      ['booking_invited', h(C.C3, 30), { service: 'physiotherapy', priority: 'routine' }],
    ]),
    // A wrong number: fell back to the booking team.
    phoned('C4', C.C4, 'P82002', [
      called(h(C.C4, 2), 'not-reached', { attempts: 1, result: 'wrong-number' }),
      ['booking_worklist', h(C.C4, 2), { service: 'physiotherapy', priority: 'routine' }],
    ]),
    // No number to call: fell back at once (never called).
    phoned('C5', C.C5, 'P82002', [['booking_worklist', h(C.C5, 0), { service: 'physiotherapy', priority: 'routine' }]], 'booking'),
    // Not called after 16 hours: pending, left out.
    phoned('C6', C.C6, 'P82002', []),
    // Tried once and never reached, days later: missed.
    phoned('C7', C.C7, 'P82002', [attempt(h(C.C7, 3), 1)]),
    // Reached at 10 hours, handed to triage, triaged 20 hours after the call (30 after arrival): within.
    phoned('C8', C.C8, 'P81001', [called(h(C.C8, 10), 'triage'), accept(h(C.C8, 30), 'physiotherapy', 'routine')]),
    phoned('C9', C.C9, 'P81001', [called(h(C.C9, 5), 'emergency'), ['redirected_emergency', h(C.C9, 5)]]),
    phoned('C10', C.C10, 'P81001', [called(h(C.C10, 1), 'declined')]),
    phoned('C11', C.C11, 'P82002', [called(h(C.C11, 24), 'senior-review', { destination: 'orthopaedic-surgery' })]),
  ];
  const report = buildReport(phoneFirst, OCTOBER, AS_OF, RULES);

  it('counts first contact within 48 hours exactly: exactly 48 within, a minute over late, fallbacks missed, the uncalled pending', () => {
    // Within: C1 (48 h), C8, C9, C10, C11. Not: C2 (late), C3, C4, C5 (fell back), C7 (missed). Pending: C6.
    expect(report.overall.firstContactWithinTarget).toEqual({
      count: 5,
      of: 10,
      percent: 50,
      withinHours: 48,
      pending: 1,
      fellBack: 3,
      targetPercent: 90,
      metTarget: false,
    });
    // 1, 5, 10, 24, 48, 48.02
    expect(report.overall.hoursToFirstContact).toEqual({ contacted: 6, median: 17 });
  });

  it('counts the calls’ outcomes, and the share managed by telephone alone', () => {
    expect(report.overall.callOutcomes).toEqual({
      calls: 8,
      selfManagement: 1,
      booked: 1,
      triage: 1,
      seniorReview: 1,
      emergency: 1,
      declined: 1,
      notReached: 2,
      managedByTelephoneAlone: { count: 1, of: 8, percent: 12.5 },
    });
  });

  it('times triage from the call that asked for it, and counts booking after a call as accepted', () => {
    expect(report.overall.triagedWithin24Hours).toEqual({ count: 1, of: 1, percent: 100, pending: 0 });
    expect(report.overall.hoursToTriage).toEqual({ decided: 1, median: 20, p95: 20 });
    expect(report.overall.decisions).toMatchObject({ accepted: { physiotherapy: 5 }, selfManagement: 1, emergency: 1 });
    // C2, booked urgent on the call, with no attendance recorded and its 5 days over: counted, not seen.
    expect(report.overall.urgentSeenWithin5Days).toEqual({ count: 0, of: 1, percent: 0 });
  });

  it('settles a call’s proposal of surgery by the senior review, and counts surgery screened out on the call', () => {
    const ortho = (id: string, events: Ev[]) =>
      referral(id, C.C1, 'P81001', 'orthopaedic-triage', [['screened', C.C1, { priority: 'routine', firstContact: 'call' }], ...events]);
    const records = [
      ortho('S1', [
        called(h(C.C1, 2), 'senior-review', { destination: 'orthopaedic-surgery', wantsSurgery: 'yes', fitForSurgery: 'yes' }),
        ['senior_review_decided', h(C.C1, 30), { decision: 'confirm', wantsSurgery: 'yes', fitForSurgery: 'yes' }],
      ]),
      ortho('S2', [called(h(C.C1, 3), 'self-management', { wantsSurgery: 'no' })]),
      ortho('S3', [
        called(h(C.C1, 4), 'senior-review', { destination: 'orthopaedic-surgery' }),
        [
          'senior_review_decided',
          h(C.C1, 30),
          { decision: 'decline', service: 'physiotherapy', priority: 'urgent', fitForSurgery: 'not-yet' },
        ],
      ]),
    ];
    const f = buildReport(records, OCTOBER, AS_OF, RULES).overall;
    expect(f.decisions).toMatchObject({ secondaryCare: 1, selfManagement: 1, accepted: { physiotherapy: 1 } });
    // Of three on an orthopaedic route, two kept in community care.
    expect(f.diversionFromOrthopaedics).toEqual({ count: 2, of: 3, percent: 66.7 });
    expect(f.surgeryScreening).toMatchObject({ reviewed: 3, referred: 1, notWanted: 1, notYetFit: 1 });
  });

  it('gives each practice and each week its own first contact figure', () => {
    const byPractice = Object.fromEntries(report.practices.map((p) => [p.odsCode, p.firstContactWithinTarget]));
    // P81001: C1, C8, C9, C10 within; C2 late, C3 fell back.
    expect(byPractice.P81001).toMatchObject({ count: 4, of: 6, percent: 66.7, fellBack: 1 });
    // P82002: C11 within; C4, C5 fell back, C7 missed; C6 pending.
    expect(byPractice.P82002).toMatchObject({ count: 1, of: 4, percent: 25, pending: 1, fellBack: 2 });
    expect(report.weeks.map((w) => [w.weekStarting, w.firstContactWithinTarget.count, w.firstContactWithinTarget.of])).toEqual([
      ['2026-10-05', 1, 5],
      ['2026-10-12', 4, 4],
      ['2026-10-19', 0, 1],
      ['2026-10-26', 0, 0],
    ]);
  });
});

describe('service figures', () => {
  const report = buildReport(fixture, OCTOBER, AS_OF, RULES);

  it('takes whole UK days: October runs from 00:00 BST on the 1st to 00:00 GMT on 1 November', () => {
    expect(report.period).toMatchObject({ start: '2026-09-30T23:00:00.000Z', end: '2026-11-01T00:00:00.000Z' });
  });

  it('computes every headline figure exactly', () => {
    expect(report.overall).toEqual({
      referralsReceived: { total: 13, gp: 11, self: 2 },
      // Within: R1 (exactly 24 h), R3, R4, R8, R11, R12, R13, R14. Missed: R2, R7, R10. Pending: R6.
      triagedWithin24Hours: { count: 8, of: 11, percent: 72.7, pending: 1 },
      // 1, 2, 2, 3, 8, 10, 10, 24, 24.02, 30
      hoursToTriage: { decided: 10, median: 9, p95: 30 },
      urgentSeenWithin5Days: { count: 1, of: 2, percent: 50 },
      routineSeenWithin4Weeks: { count: 2, of: 2, percent: 100 },
      decisions: {
        accepted: { physiotherapy: 3, 'orthopaedic-triage': 1, spinal: 1 },
        redirected: 1,
        secondaryCare: 1,
        returnedWithAdvice: 1,
        selfManagement: 1,
        emergency: 1,
        awaitingInformation: 1,
      },
      diversionFromOrthopaedics: { count: 2, of: 3, percent: 66.7 },
      didNotAttendRate: { count: 1, of: 4, percent: 25 },
      unableToContactRate: { count: 1, of: 5, percent: 20 },
      smsPerBookedAppointment: { sms: 15, bookedAppointments: 4, ratio: 3.75 },
      // R3's review confirmed surgery.
      surgeryScreening: { reviewed: 1, referred: 1, notWanted: 0, undecided: 0, notYetFit: 0, notFit: 0, unrecorded: 0 },
      // Nobody here was phoned first.
      firstContactWithinTarget: {
        count: 0,
        of: 0,
        percent: null,
        withinHours: 48,
        pending: 0,
        fellBack: 0,
        targetPercent: 90,
        metTarget: null,
      },
      hoursToFirstContact: { contacted: 0, median: null },
      // Nobody here was asked a questionnaire (outcome-figures.test.ts has those).
      outcomeMeasures: expect.objectContaining({
        pain: {
          meaningfulChange: 2,
          baseline: { count: 0, of: 0, percent: null },
          followUp: { count: 0, of: 0, percent: null },
          paired: { count: 0, of: 0, percent: null },
          meanChange: null,
          meaningfullyImproved: { count: 0, of: 0, percent: null },
        },
      }),
      friendsAndFamilyTest: {
        count: 0,
        of: 0,
        percent: null,
        answers: { 'very-good': 0, good: 0, neither: 0, poor: 0, 'very-poor': 0, 'dont-know': 0 },
        targetPercent: 90,
        metTarget: null,
        invited: 0,
        responseRate: { count: 0, of: 0, percent: null },
      },
      callOutcomes: {
        calls: 0,
        selfManagement: 0,
        booked: 0,
        triage: 0,
        seniorReview: 0,
        emergency: 0,
        declined: 0,
        notReached: 0,
        managedByTelephoneAlone: { count: 0, of: 0, percent: null },
      },
    });
  });

  it('counts the senior reviews before surgery exactly: referred on, and each reason a referral was screened out', () => {
    const reviewed = (id: string, detail: Record<string, string>) =>
      referral(id, '2026-10-05T09:00:00.000Z', 'P81001', 'orthopaedic-triage', [
        ['triage_decided', '2026-10-05T10:00:00.000Z', { decision: 'redirect', destination: 'orthopaedic-surgery' }],
        [
          'senior_review_decided',
          '2026-10-06T10:00:00.000Z',
          { decision: 'decline', service: 'physiotherapy', priority: 'routine', ...detail },
        ],
      ]);
    const screening = buildReport(
      [
        referral('S1', '2026-10-05T09:00:00.000Z', 'P81001', 'orthopaedic-triage', [
          ['triage_decided', '2026-10-05T10:00:00.000Z', { decision: 'redirect', destination: 'orthopaedic-surgery' }],
          ['senior_review_decided', '2026-10-06T10:00:00.000Z', { decision: 'confirm', wantsSurgery: 'yes', fitForSurgery: 'yes' }],
        ]),
        // Does not want it, though not fit either: the first reason counts.
        reviewed('S2', { wantsSurgery: 'no', fitForSurgery: 'no' }),
        reviewed('S3', { wantsSurgery: 'undecided', fitForSurgery: 'yes' }),
        reviewed('S4', { wantsSurgery: 'yes', fitForSurgery: 'not-yet' }),
        reviewed('S5', { wantsSurgery: 'yes', fitForSurgery: 'not-yet' }),
        reviewed('S6', { wantsSurgery: 'yes', fitForSurgery: 'no' }),
        // Reviewed before the answers were recorded.
        reviewed('S7', {}),
        // Redirected to secondary care, not yet reviewed: not counted.
        referral('S8', '2026-10-05T09:00:00.000Z', 'P81001', 'orthopaedic-triage', [
          ['triage_decided', '2026-10-05T10:00:00.000Z', { decision: 'redirect', destination: 'orthopaedic-surgery' }],
        ]),
      ],
      OCTOBER,
      AS_OF,
      RULES,
    );
    expect(screening.overall.surgeryScreening).toEqual({
      reviewed: 7,
      referred: 1,
      notWanted: 1,
      undecided: 1,
      notYetFit: 2,
      notFit: 1,
      unrecorded: 1,
    });
    expect(screening.overall.decisions).toMatchObject({ secondaryCare: 1, accepted: { physiotherapy: 6 } });
  });

  it('ranks practices by referrals, and gives each its own figures', () => {
    expect(report.practices.map((p) => [p.rank, p.odsCode, p.referralsReceived.total])).toEqual([
      [1, 'P81001', 5],
      [2, 'P82002', 5],
      [3, 'SELF', 2],
      [4, 'P83003', 1],
    ]);
    expect(report.practices[0]!.triagedWithin24Hours).toEqual({ count: 2, of: 4, percent: 50, pending: 0 });
    expect(report.practices[1]!.triagedWithin24Hours).toEqual({ count: 3, of: 4, percent: 75, pending: 1 });
  });

  it('groups weeks from Monday, UK time (an arrival at 00:30 BST on Monday is that week)', () => {
    expect(report.weeks.map((w) => [w.weekStarting, w.referralsReceived.total, w.triagedWithin24Hours.percent])).toEqual([
      ['2026-09-28', 3, 100],
      ['2026-10-05', 3, 66.7],
      ['2026-10-12', 3, 50],
      ['2026-10-19', 2, 50],
      ['2026-10-26', 2, 100],
    ]);
  });

  it('counts 24 elapsed hours across the spring clock change as within, and ends the UK day at 23:00 UTC', () => {
    const march = [
      // 12:00 GMT to 13:00 BST next day: 25 hours on the wall clock, 24 elapsed.
      referral('M1', '2026-03-28T12:00:00.000Z', 'P81001', 'physiotherapy', [
        ['triage_decided', '2026-03-29T12:00:00.000Z', { decision: 'return' }],
      ]),
      // 23:30 UTC on 29 March is 00:30 BST on the 30th: outside a period ending on the 29th.
      referral('M2', '2026-03-29T23:30:00.000Z', 'P81001', 'physiotherapy', []),
    ];
    const weekend = buildReport(march, { from: '2026-03-28', to: '2026-03-29' }, AS_OF, RULES);
    expect(weekend.period).toMatchObject({ start: '2026-03-28T00:00:00.000Z', end: '2026-03-29T23:00:00.000Z' });
    expect(weekend.overall.referralsReceived.total).toBe(1);
    expect(weekend.overall.triagedWithin24Hours).toEqual({ count: 1, of: 1, percent: 100, pending: 0 });
    expect(weekend.overall.hoursToTriage).toEqual({ decided: 1, median: 24, p95: 24 });
  });

  it('gives an empty period zeros and no percentages, not errors', () => {
    const empty = buildReport(fixture, { from: '2025-01-01', to: '2025-01-31' }, AS_OF, RULES);
    expect(empty.overall.referralsReceived).toEqual({ total: 0, gp: 0, self: 0 });
    expect(empty.overall.triagedWithin24Hours).toEqual({ count: 0, of: 0, percent: null, pending: 0 });
    expect(empty.overall.hoursToTriage).toEqual({ decided: 0, median: null, p95: null });
    expect(empty.overall.smsPerBookedAppointment.ratio).toBeNull();
    expect(empty.practices).toEqual([]);
    expect(empty.weeks).toEqual([]);
  });

  it('uses the middle value (or the mean of the middle two) and the nearest-rank 95th percentile', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(
      percentile(
        Array.from({ length: 20 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(19);
    expect(percentile([5], 95)).toBe(5);
    expect(periodBounds({ from: '2026-10-25', to: '2026-10-25' })).toEqual({
      start: '2026-10-24T23:00:00.000Z',
      end: '2026-10-26T00:00:00.000Z',
    });
  });
});

describe('the figures as CSV', () => {
  it('never hands a spreadsheet a formula: cells starting =, +, -, @, tab or return get an apostrophe', async () => {
    const { reportCsv } = await import('../../shared/http/dashboard-pages.js');
    const { spreadsheetSafe } = await import('../../shared/http/api.js');
    for (const cell of ['=HYPERLINK("https://evil.example")', '+1', '-2', '@SUM(A1)', '\t=1', '\r=1'])
      expect(spreadsheetSafe(cell)).toBe(`'${cell}`);
    for (const cell of ['P81001', '2026-11-23', '12', '0.5', '']) expect(spreadsheetSafe(cell)).toBe(cell);
    // Through the real writer: a practice code that somehow began with "=" comes out inert.
    const report = buildReport([], { from: '2026-11-01', to: '2026-11-07' }, AS_OF, RULES);
    report.practices.push({ ...report.overall, odsCode: '=cmd|calc' } as never);
    expect(reportCsv(report)).toContain("practice,'=cmd|calc,");
  });
});
