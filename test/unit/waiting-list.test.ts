/**
 * The waiting list from a hand-built fixture with explicit dates: each CHS SitRep band edge from
 * both sides, the UK date across the October clock change, and when a wait ends (seen, closed) or
 * goes on (a DNA, a cancelled or moved appointment, a stopped journey), as of any instant.
 */
import { describe, expect, it } from 'vitest';

import type { EventType } from '../../shared/domain/vocabulary.js';
import { bandOf, daysWaited, summarise, WAIT_BANDS, waitAsOf, waitersAsOf, type WaitingRecord } from '../../shared/domain/waiting-list.js';

/** The end of Sunday 8 November 2026, UK time (GMT then): the weekly snapshot's instant. */
const SUNDAY_END = new Date('2026-11-08T23:59:59.999Z');

type Ev = [type: EventType, at: string, detail?: Record<string, unknown>];
function referral(id: string, receivedAt: string, events: Ev[] = [], screened = { service: 'physiotherapy', priority: 'routine' }) {
  return {
    referral: { id, receivedAt, screening: { ...screened, reasons: [] } as never },
    timeline: [['received', receivedAt] as Ev, ['screened', receivedAt, screened] as Ev, ...events].map(([type, at, detail]) => ({
      type,
      at,
      actor: 'test',
      detail,
    })),
  } satisfies WaitingRecord;
}
const wait = (r: WaitingRecord, asOf: Date | string = SUNDAY_END) => waitAsOf(r, new Date(asOf));

describe('bands', () => {
  it('are the CHS SitRep bands, each upper edge inside its band and the next day in the next', () => {
    const edges: [days: number, band: string][] = [
      [0, 'weeks0to1'],
      [7, 'weeks0to1'],
      [8, 'weeks1to2'],
      [14, 'weeks1to2'],
      [15, 'weeks2to4'],
      [28, 'weeks2to4'],
      [29, 'weeks4to12'],
      [84, 'weeks4to12'],
      [85, 'weeks12to18'],
      [126, 'weeks12to18'],
      [127, 'weeks18to52'],
      [364, 'weeks18to52'],
      [365, 'over52Weeks'],
      [2000, 'over52Weeks'],
    ];
    for (const [days, band] of edges) expect(bandOf(days), `${days} days`).toBe(band);
    expect(WAIT_BANDS.map((b) => b.label)).toEqual([
      '0-1 weeks (0-7 days)',
      '1-2 weeks (8-14 days)',
      '2-4 weeks (15-28 days)',
      '4-12 weeks (29-84 days)',
      '12-18 weeks (85-126 days)',
      '18-52 weeks (127-364 days)',
      'Over 52 weeks (365 days or more)',
    ]);
    expect(() => bandOf(-1)).toThrow(RangeError);
  });

  it('count UK calendar days: received at 00:30 UK time on the day the clocks go back is that day', () => {
    // 23:30 UTC on Saturday 24 October is 00:30 BST on Sunday 25 October: 14 days to 8 November, not 15.
    expect(daysWaited('2026-10-24T23:30:00.000Z', SUNDAY_END)).toBe(14);
    expect(daysWaited('2026-10-24T22:59:00.000Z', SUNDAY_END)).toBe(15);
    // Same day, any hour: 0. The last millisecond of Sunday is still Sunday.
    expect(daysWaited('2026-11-08T00:00:00.000Z', SUNDAY_END)).toBe(0);
    expect(daysWaited('2026-11-08T00:00:00.000Z', '2026-11-09T00:00:00.000Z')).toBe(1);
  });
});

describe('days waited and band, on both sides of every edge (as of the end of Sunday 8 November 2026)', () => {
  const cases: [received: string, days: number, band: string][] = [
    ['2026-11-08T09:00:00.000Z', 0, 'weeks0to1'],
    ['2026-11-01T09:00:00.000Z', 7, 'weeks0to1'],
    ['2026-10-31T10:00:00.000Z', 8, 'weeks1to2'],
    ['2026-10-25T10:00:00.000Z', 14, 'weeks1to2'],
    ['2026-10-24T10:00:00.000Z', 15, 'weeks2to4'],
    ['2026-10-11T10:00:00.000Z', 28, 'weeks2to4'],
    ['2026-10-10T10:00:00.000Z', 29, 'weeks4to12'],
    ['2026-08-16T10:00:00.000Z', 84, 'weeks4to12'],
    ['2026-08-15T10:00:00.000Z', 85, 'weeks12to18'],
    ['2026-07-05T10:00:00.000Z', 126, 'weeks12to18'],
    ['2026-07-04T10:00:00.000Z', 127, 'weeks18to52'],
    ['2025-11-09T10:00:00.000Z', 364, 'weeks18to52'],
    ['2025-11-08T10:00:00.000Z', 365, 'over52Weeks'],
  ];
  it.each(cases)('received %s: %i days, %s', (received, days, band) => {
    expect(wait(referral('R', received))).toMatchObject({ daysWaited: days, band, service: 'physiotherapy', priority: 'routine' });
  });

  it('counts them per band, and lists them longest first', () => {
    const records = cases.map(([received], i) => referral(`R${String(i).padStart(2, '0')}`, received));
    const waiters = waitersAsOf(records, SUNDAY_END);
    expect(waiters.map((w) => w.daysWaited)).toEqual([365, 364, 127, 126, 85, 84, 29, 28, 15, 14, 8, 7, 0]);
    const summary = summarise(waiters, SUNDAY_END);
    expect(summary.asOfDate).toBe('2026-11-08');
    expect(summary.total).toEqual({
      weeks0to1: 2,
      weeks1to2: 2,
      weeks2to4: 2,
      weeks4to12: 2,
      weeks12to18: 2,
      weeks18to52: 2,
      over52Weeks: 1,
      total: 13,
    });
  });
});

describe('who is waiting as of an instant', () => {
  const received = '2026-10-01T09:00:00.000Z'; // 38 days before 8 November
  const accept = (at: string, service = 'physiotherapy', priority = 'routine'): Ev => [
    'triage_decided',
    at,
    { decision: 'accept', service, priority },
  ];
  const booked = (at: string, start: string): Ev => ['appointment_booked', at, { start, slotId: 's' }];
  const outcome = (at: string, result: string, appointment: string): Ev => [
    'appointment_outcome_recorded',
    at,
    { outcome: result, appointment },
  ];

  it('is not counted before it was received, and is counted from that instant (0 days)', () => {
    const r = referral('R', received);
    expect(wait(r, '2026-10-01T08:59:59.999Z')).toBeUndefined();
    expect(wait(r, received)).toMatchObject({ daysWaited: 0, band: 'weeks0to1' });
    expect(wait(r)).toMatchObject({ daysWaited: 38, band: 'weeks4to12' });
  });

  it('stops waiting at the start of an appointment that took place: seen before the date is not waiting, after it is', () => {
    const seenBefore = referral('R', received, [
      accept('2026-10-01T12:00:00.000Z'),
      booked('2026-10-02T10:00:00.000Z', '2026-11-05T10:00:00.000Z'),
      outcome('2026-11-05T11:00:00.000Z', 'attended-discharged', '2026-11-05T10:00:00.000Z'),
    ]);
    expect(wait(seenBefore)).toBeUndefined();
    expect(wait(seenBefore, '2026-11-05T09:59:59.999Z')).toMatchObject({ daysWaited: 35 });
    expect(wait(seenBefore, '2026-11-05T10:00:00.000Z')).toBeUndefined();

    const seenAfter = referral('R', received, [
      accept('2026-10-01T12:00:00.000Z'),
      booked('2026-10-02T10:00:00.000Z', '2026-11-10T10:00:00.000Z'),
      outcome('2026-11-10T11:00:00.000Z', 'attended-follow-up', '2026-11-10T10:00:00.000Z'),
    ]);
    expect(wait(seenAfter)).toMatchObject({ daysWaited: 38, band: 'weeks4to12' });
  });

  it('counts an appointment whose start has passed, with no outcome recorded yet, as taken place', () => {
    const r = referral('R', received, [accept('2026-10-01T12:00:00.000Z'), booked('2026-10-02T10:00:00.000Z', '2026-11-06T10:00:00.000Z')]);
    expect(wait(r)).toBeUndefined();
  });

  it('keeps a patient who did not attend waiting, even at instants before the DNA was recorded; a second DNA closes', () => {
    const r = referral('R', received, [
      accept('2026-10-01T12:00:00.000Z'),
      booked('2026-10-02T10:00:00.000Z', '2026-11-02T10:00:00.000Z'),
      outcome('2026-11-02T12:00:00.000Z', 'did-not-attend', '2026-11-02T10:00:00.000Z'),
      ['booking_invited', '2026-11-02T12:00:01.000Z', { service: 'physiotherapy', priority: 'routine' }],
      booked('2026-11-03T10:00:00.000Z', '2026-11-20T10:00:00.000Z'),
      outcome('2026-11-20T12:00:00.000Z', 'did-not-attend', '2026-11-20T10:00:00.000Z'),
    ]);
    expect(wait(r, '2026-11-02T11:00:00.000Z')).toMatchObject({ daysWaited: 32 });
    expect(wait(r)).toMatchObject({ daysWaited: 38 });
    expect(wait(r, '2026-11-20T11:00:00.000Z')).toMatchObject({ daysWaited: 50 });
    expect(wait(r, '2026-11-20T12:00:00.000Z')).toBeUndefined();
  });

  it('keeps waiting when the clinic cancels or the patient moves the appointment before it starts', () => {
    const cancelledByClinic = referral('R', received, [
      accept('2026-10-01T12:00:00.000Z'),
      booked('2026-10-02T10:00:00.000Z', '2026-11-04T10:00:00.000Z'),
      ['appointment_cancelled_by_clinic', '2026-11-03T09:00:00.000Z', { slotId: 's', start: '2026-11-04T10:00:00.000Z' }],
    ]);
    expect(wait(cancelledByClinic)).toMatchObject({ daysWaited: 38 });
    const moved = referral('R', received, [
      accept('2026-10-01T12:00:00.000Z'),
      booked('2026-10-02T10:00:00.000Z', '2026-11-03T10:00:00.000Z'),
      ['appointment_rearranged', '2026-11-02T09:00:00.000Z', { start: '2026-11-12T10:00:00.000Z', from: '2026-11-03T10:00:00.000Z' }],
    ]);
    expect(wait(moved)).toMatchObject({ daysWaited: 38 });
    expect(wait(moved, '2026-11-12T10:00:00.000Z')).toBeUndefined();
  });

  it('leaves the list when the referral closes without being seen, from that instant', () => {
    const closings: [string, Ev][] = [
      ['returned', ['triage_decided', '2026-10-20T10:00:00.000Z', { decision: 'return' }]],
      ['self-management', ['triage_decided', '2026-10-20T10:00:00.000Z', { decision: 'self-management' }]],
      ['community redirect', ['triage_decided', '2026-10-20T10:00:00.000Z', { decision: 'redirect', destination: 'falls-service' }]],
      ['unable to contact', ['unable_to_contact', '2026-10-20T10:00:00.000Z']],
      ['no information', ['information_not_received', '2026-10-20T10:00:00.000Z']],
      ['closed by the service lead', ['closed_by_service', '2026-10-20T10:00:00.000Z']],
      ['cancelled by the patient', ['appointment_cancelled', '2026-10-20T10:00:00.000Z', { start: '2026-10-25T10:00:00.000Z' }]],
      ['call: advice', ['call_outcome_recorded', '2026-10-20T10:00:00.000Z', { outcome: 'self-management' }]],
      ['call: declined', ['call_outcome_recorded', '2026-10-20T10:00:00.000Z', { outcome: 'declined' }]],
      ['call: emergency', ['call_outcome_recorded', '2026-10-20T10:00:00.000Z', { outcome: 'emergency' }]],
    ];
    for (const [what, event] of closings) {
      const r = referral('R', received, [event]);
      expect(wait(r), what).toBeUndefined();
      expect(wait(r, '2026-10-20T09:59:59.999Z'), what).toMatchObject({ daysWaited: 19, band: 'weeks2to4' });
    }
  });

  it('keeps waiting through a proposal for secondary care until a senior clinician confirms it', () => {
    const r = referral('R', received, [
      ['triage_decided', '2026-10-02T10:00:00.000Z', { decision: 'redirect', destination: 'orthopaedic-surgery' }],
      ['senior_review_decided', '2026-11-07T10:00:00.000Z', { decision: 'confirm' }],
    ]);
    expect(wait(r, '2026-11-07T09:00:00.000Z')).toMatchObject({ daysWaited: 37 });
    expect(wait(r)).toBeUndefined();
  });

  it('never lists an emergency sent to A&E', () => {
    const r = referral('R', received, [['redirected_emergency', '2026-10-01T09:00:01.000Z']], {
      service: 'spinal',
      priority: 'emergency',
    });
    expect(wait(r, received)).toBeUndefined();
    expect(wait(r)).toBeUndefined();
  });

  it('keeps a stopped journey (workflow failed) waiting: nobody has seen the patient', () => {
    const r = referral('R', received, [['workflow_failed', '2026-10-05T10:00:00.000Z']]);
    expect(wait(r)).toMatchObject({ daysWaited: 38 });
  });

  it('phone first: a call that books waits until that appointment; not reached waits for booking', () => {
    const bookedOnCall = referral('R', received, [
      [
        'appointment_booked',
        '2026-10-02T10:00:00.000Z',
        { callOutcome: 'book', service: 'podiatry', priority: 'urgent', start: '2026-11-09T10:00:00.000Z' },
      ],
    ]);
    expect(wait(bookedOnCall)).toMatchObject({ daysWaited: 38, service: 'podiatry', priority: 'urgent' });
    expect(wait(bookedOnCall, '2026-11-09T10:00:00.000Z')).toBeUndefined();
    const notReached = referral('R', received, [
      ['call_outcome_recorded', '2026-10-03T10:00:00.000Z', { outcome: 'not-reached', service: 'physiotherapy', priority: 'routine' }],
      ['booking_invited', '2026-10-03T10:00:01.000Z', { service: 'physiotherapy', priority: 'routine' }],
    ]);
    expect(wait(notReached)).toMatchObject({ daysWaited: 38 });
  });

  it('splits by the service waited for as of the instant: screening’s until a decision, then the decision’s', () => {
    const records = [
      referral('A', received, [accept('2026-10-02T10:00:00.000Z', 'rheumatology', 'urgent')]),
      referral('B', '2026-11-02T10:00:00.000Z'),
      referral('C', '2026-11-03T10:00:00.000Z', [], { service: 'podiatry', priority: 'routine' }),
      referral('D', '2026-10-20T10:00:00.000Z', [
        ['triage_decided', '2026-10-21T10:00:00.000Z', { decision: 'redirect', destination: 'spinal-surgery' }],
        ['senior_review_decided', '2026-10-25T10:00:00.000Z', { decision: 'decline', service: 'pain-management', priority: 'routine' }],
      ]),
    ];
    expect(wait(records[0]!, '2026-10-02T09:00:00.000Z')).toMatchObject({ service: 'physiotherapy', priority: 'routine' });
    expect(wait(records[0]!)).toMatchObject({ service: 'rheumatology', priority: 'urgent' });

    const summary = summarise(waitersAsOf(records, SUNDAY_END), SUNDAY_END);
    const row = (service: string) => summary.services.find((s) => s.service === service);
    expect(summary.services.map((s) => s.service)).toEqual([
      'physiotherapy',
      'rheumatology',
      'pain-management',
      'orthopaedic-triage',
      'podiatry',
      'spinal',
    ]);
    expect(row('rheumatology')).toMatchObject({ weeks4to12: 1, total: 1 });
    expect(row('physiotherapy')).toMatchObject({ weeks0to1: 1, total: 1 });
    expect(row('podiatry')).toMatchObject({ weeks0to1: 1, total: 1 });
    expect(row('pain-management')).toMatchObject({ weeks1to2: 0, weeks2to4: 1, total: 1 });
    expect(row('spinal')).toMatchObject({ total: 0 });
    expect(summary.total).toMatchObject({ weeks0to1: 2, weeks2to4: 1, weeks4to12: 1, total: 4 });
  });
});

describe('in the figures: /metrics.csv and the dashboard', () => {
  const records = [
    referral('A', '2026-11-08T09:00:00.000Z'),
    referral('B', '2025-11-08T10:00:00.000Z', [], { service: 'podiatry', priority: 'routine' }),
    referral('C', '2026-07-04T10:00:00.000Z', [], { service: 'podiatry', priority: 'routine' }),
  ];
  const summary = summarise(waitersAsOf(records, SUNDAY_END), SUNDAY_END);

  it('adds a waiting_list row per service and one for all, a column per band, empty in the other rows', async () => {
    const { buildReport } = await import('../../shared/domain/figures.js');
    const { reportCsv } = await import('../../shared/http/dashboard-pages.js');
    const { FIGURE_RULES } = await import('../support/fixtures.js');
    const report = { ...buildReport([], { from: '2026-11-02', to: '2026-11-08' }, SUNDAY_END, FIGURE_RULES), waitingList: summary };
    const lines = reportCsv(report).trim().split('\n');
    const header = lines[0]!.split(',');
    expect(header.slice(-9)).toEqual([
      'waiting_as_of',
      'waiting_0_1_weeks',
      'waiting_1_2_weeks',
      'waiting_2_4_weeks',
      'waiting_4_12_weeks',
      'waiting_12_18_weeks',
      'waiting_18_52_weeks',
      'waiting_over_52_weeks',
      'waiting_total',
    ]);
    const row = (id: string) => lines.find((l) => l.startsWith(`waiting_list,${id},`))!.split(',');
    expect(row('podiatry').slice(-9)).toEqual(['2026-11-08', '0', '0', '0', '0', '0', '1', '1', '2']);
    expect(row('physiotherapy').slice(-9)).toEqual(['2026-11-08', '1', '0', '0', '0', '0', '0', '0', '1']);
    expect(row('all').slice(-9)).toEqual(['2026-11-08', '1', '0', '0', '0', '0', '1', '1', '3']);
    // The service row's own figures are there, and its waiting columns empty.
    expect(lines[1]!.startsWith('service,2026-11-02..2026-11-08,0,')).toBe(true);
    expect(lines[1]!.endsWith(',,,,,,,,,')).toBe(true);
    expect(lines).toHaveLength(1 + 1 + 6 + 1);
  });

  it('shows the bands per service on the dashboard, with the services nobody waits for left out', async () => {
    const { waitingListSection } = await import('../../shared/http/dashboard-pages.js');
    const section = waitingListSection(summary).value;
    expect(section).toContain('3 in all,\n2 over 18 weeks (1 of them over 52)');
    const cells = (name: string) =>
      [
        ...new RegExp(`${name}</td>((?:<td class="nhsuk-table__cell">\\d+</td>)+)`)
          .exec(section.replaceAll('\n', ''))![1]!
          .matchAll(/>(\d+)</g),
      ].map((m) => Number(m[1]));
    expect(cells('Podiatry \\(foot and ankle\\)')).toEqual([0, 0, 0, 0, 0, 1, 1, 2]);
    expect(cells('All services')).toEqual([1, 0, 0, 0, 0, 1, 1, 3]);
    expect(section).not.toContain('Rheumatology');
  });
});

describe('the weekly return’s week', () => {
  it('defaults to the last Sunday whose week has ended, UK time', async () => {
    const { weekEndingQuerySchema } = await import('../../shared/http/period-query.js');
    const week = (today: string) => weekEndingQuerySchema(new Date(today)).parse({}).weekEnding;
    // Monday 9 November: yesterday. Sunday 8 November: the week before (this one has not ended).
    expect(week('2026-11-09T00:00:00.000Z')).toBe('2026-11-08');
    expect(week('2026-11-08T23:59:59.999Z')).toBe('2026-11-01');
    // 23:30 UTC on Sunday 28 June is 00:30 BST on Monday 29 June: the week has ended.
    expect(week('2026-06-28T23:30:00.000Z')).toBe('2026-06-28');
    expect(week('2026-06-28T22:30:00.000Z')).toBe('2026-06-21');
  });

  it('is counted to the last millisecond of the Sunday, UK time, in summer and in winter', async () => {
    const { endOfUkDay } = await import('../../shared/http/period-query.js');
    expect(endOfUkDay('2026-11-08').toISOString()).toBe('2026-11-08T23:59:59.999Z');
    expect(endOfUkDay('2026-06-28').toISOString()).toBe('2026-06-28T22:59:59.999Z');
    // The Sunday the clocks go back is 25 hours long.
    expect(endOfUkDay('2026-10-25').toISOString()).toBe('2026-10-25T23:59:59.999Z');
    expect(daysWaited('2026-10-25T00:30:00.000Z', endOfUkDay('2026-10-25'))).toBe(0);
  });
});
