/**
 * Outcome measures and the Friends and Family Test, from a fixture of questionnaire events whose
 * figures were worked out by hand (the arithmetic is beside each expectation): response rates of
 * invitations, pairs, mean change in the better direction, a change of exactly the threshold
 * counted as improved (even when floating point makes it 1.9999999999999996), the FFT's % positive
 * over every response including "Don't know", and the splits by service, practice, clinic and the
 * week each FFT was answered.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { config, resetConfig } from '../../shared/config.js';
import { buildReport, type FigureRules, type ReferralRecord } from '../../shared/domain/figures.js';
import type { EventType } from '../../shared/domain/vocabulary.js';
import { dashboardPage, reportCsv } from '../../shared/http/dashboard-pages.js';
import { FIGURE_RULES } from '../support/fixtures.js';

const RULES: FigureRules = FIGURE_RULES;
// After the last answer (3 November), so every event has happened.
const AS_OF = new Date('2026-11-10T12:00:00Z');
const OCTOBER = { from: '2026-10-01', to: '2026-10-31' };

type Ev = [type: EventType, at: string, detail?: Record<string, unknown>];
function referral(id: string, day: string, from: string | null, screenedAs: string | undefined, events: Ev[]): ReferralRecord {
  const receivedAt = `2026-10-${day}T09:00:00.000Z`;
  return {
    referral: {
      id,
      receivedAt,
      source: from ? 'gp' : 'self',
      referrer: from ? { odsCode: from, name: 'Dr X', email: 'x@example.nhs.uk' } : undefined,
      screening: screenedAs ? { priority: 'routine', service: screenedAs as never, reasons: [] } : undefined,
    },
    // An invitation is counted once its text went: each is followed by its text, unless marked `notTexted`.
    timeline: [['received', receivedAt] as Ev, ...events.flatMap(withItsText)].map(([type, at, detail]) => ({
      type,
      at,
      actor: 'test',
      detail,
      // Free text rides beside the event, never in it: the figures must not need it.
      note: type === 'questionnaire_answered' ? { why: 'Kind staff', 'activity-1': 'Stairs' } : undefined,
    })),
  };
}
function withItsText(event: Ev): Ev[] {
  const [type, at, detail] = event;
  const { timepoint, notTexted } = (detail ?? {}) as { timepoint?: string; notTexted?: boolean };
  if (type !== 'questionnaire_invited' || notTexted) return [event];
  return [
    event,
    ['patient_texted', at, { template: timepoint === 'baseline' ? 'acknowledgementAndQuestionnaire' : 'questionnaireFollowUp' }],
  ];
}
const accept = (at: string, service: string): Ev => ['triage_decided', at, { decision: 'accept', service, priority: 'routine' }];
const BASELINE = ['msk-hq', 'pain', 'psfs'];
const FOLLOW_UP = ['msk-hq', 'pain', 'psfs', 'groc', 'fft'];
const invited = (at: string, timepoint: string, questionnaires: string[], clinic?: string): Ev => [
  'questionnaire_invited',
  at,
  { timepoint, questionnaires, clinic },
];
const answered = (at: string, timepoint: string, scores: Record<string, number>, extra: { fft?: string; clinic?: string } = {}): Ev => [
  'questionnaire_answered',
  at,
  { timepoint, scores, versions: {}, ...extra },
];

const fixture: ReferralRecord[] = [
  // Paired on everything: MSK-HQ +10, pain 7 to 5 (+2, exactly the threshold), PSFS 3 to 4.4 (+1.4).
  referral('Q1', '01', 'P81001', 'physiotherapy', [
    accept('2026-10-01T10:00:00.000Z', 'physiotherapy'),
    invited('2026-10-01T09:00:01.000Z', 'baseline', BASELINE),
    answered('2026-10-01T12:00:00.000Z', 'baseline', { 'msk-hq': 20, pain: 7, psfs: 3 }),
    invited('2026-10-19T10:00:00.000Z', 'follow-up', FOLLOW_UP, 'Preston'),
    answered(
      '2026-10-20T10:00:00.000Z',
      'follow-up',
      { 'msk-hq': 30, pain: 5, psfs: 4.4, groc: 3 },
      { fft: 'very-good', clinic: 'Preston' },
    ),
  ]),
  // Paired: MSK-HQ +3, pain 6 to 5 (+1, just under), PSFS 2.1 to 4.1 (+2: 1.9999999999999996 before rounding).
  referral('Q2', '02', 'P81001', 'physiotherapy', [
    accept('2026-10-02T10:00:00.000Z', 'physiotherapy'),
    invited('2026-10-02T09:00:01.000Z', 'baseline', BASELINE),
    answered('2026-10-02T12:00:00.000Z', 'baseline', { 'msk-hq': 25, pain: 6, psfs: 2.1 }),
    invited('2026-10-21T10:00:00.000Z', 'follow-up', FOLLOW_UP, 'Chorley'),
    answered('2026-10-22T10:00:00.000Z', 'follow-up', { 'msk-hq': 28, pain: 5, psfs: 4.1, groc: 1 }, { fft: 'good', clinic: 'Chorley' }),
  ]),
  // Screened for physiotherapy, accepted into rheumatology: counted there. Pain only at baseline;
  // asked at follow-up (no MSK-HQ then) after telephone advice, never answered.
  referral('Q3', '05', 'P82002', 'physiotherapy', [
    accept('2026-10-05T10:00:00.000Z', 'rheumatology'),
    invited('2026-10-05T09:00:01.000Z', 'baseline', BASELINE),
    answered('2026-10-05T12:00:00.000Z', 'baseline', { pain: 8 }),
    invited('2026-10-20T10:00:00.000Z', 'follow-up', ['pain', 'psfs', 'groc', 'fft'], 'Telephone'),
  ]),
  // Did not answer at baseline; at follow-up only the rating of change and "Don't know".
  referral('Q4', '06', 'P82002', 'physiotherapy', [
    invited('2026-10-06T09:00:01.000Z', 'baseline', BASELINE),
    invited('2026-10-20T10:00:00.000Z', 'follow-up', ['pain', 'psfs', 'groc', 'fft'], 'Preston'),
    answered('2026-10-21T10:00:00.000Z', 'follow-up', { groc: 2 }, { fft: 'dont-know', clinic: 'Preston' }),
  ]),
  // Did not answer at baseline; the follow-up's link was made but its text would not go: not an invitation.
  referral('Q5', '07', 'P81001', 'pain-management', [
    invited('2026-10-07T09:00:01.000Z', 'baseline', BASELINE),
    ['questionnaire_invited', '2026-10-25T10:00:00.000Z', { timepoint: 'follow-up', questionnaires: FOLLOW_UP, notTexted: true }],
    ['questionnaire_not_sent', '2026-10-25T10:00:00.000Z', { timepoint: 'follow-up', error: 'opted-out' }],
  ]),
  // Asked the FFT only from here on. Answered at 00:30 BST on Monday 19 October (still Sunday in UTC).
  referral('Q6', '08', 'P81001', 'physiotherapy', [
    accept('2026-10-08T10:00:00.000Z', 'physiotherapy'),
    invited('2026-10-18T20:00:00.000Z', 'follow-up', ['fft'], 'Telephone'),
    answered('2026-10-18T23:30:00.000Z', 'follow-up', {}, { fft: 'very-good', clinic: 'Telephone' }),
  ]),
  // Screened for podiatry and returned: counted under podiatry.
  referral('Q7', '09', 'P81001', 'podiatry', [
    ['triage_decided', '2026-10-09T10:00:00.000Z', { decision: 'return' }],
    invited('2026-10-26T10:00:00.000Z', 'follow-up', ['fft'], 'Chorley'),
    answered('2026-10-27T10:00:00.000Z', 'follow-up', {}, { fft: 'neither', clinic: 'Chorley' }),
  ]),
  // Answered after the period (and the referral is still October's): in the week of 2 November.
  referral('Q8', '12', 'P82002', 'rheumatology', [
    accept('2026-10-12T10:00:00.000Z', 'rheumatology'),
    invited('2026-10-30T10:00:00.000Z', 'follow-up', ['fft'], 'Preston'),
    answered('2026-11-03T10:00:00.000Z', 'follow-up', {}, { fft: 'poor', clinic: 'Preston' }),
  ]),
  referral('Q9', '13', 'P82002', 'physiotherapy', [
    invited('2026-10-27T10:00:00.000Z', 'follow-up', ['fft'], 'Telephone'),
    answered('2026-10-28T10:00:00.000Z', 'follow-up', {}, { fft: 'good', clinic: 'Telephone' }),
  ]),
  referral('Q10', '14', 'P82002', 'physiotherapy', [invited('2026-10-28T10:00:00.000Z', 'follow-up', ['fft'], 'Telephone')]),
  // No screening recorded: the "unknown" service. Never invited (no mobile).
  referral('Q11', '15', null, undefined, []),
];

describe('outcome measures', () => {
  const report = buildReport(fixture, OCTOBER, AS_OF, RULES);

  it('gives response rates of invitations, pairs, the mean change in the better direction, and the share meaningfully improved', () => {
    expect(report.overall.outcomeMeasures).toEqual({
      // Baseline: Q1, Q2 of Q1-Q5. Follow-up: Q1, Q2 asked and answered. Changes +10, +3: mean 6.5; 1 of 2 at least 6.
      'msk-hq': {
        meaningfulChange: 6,
        baseline: { count: 2, of: 5, percent: 40 },
        followUp: { count: 2, of: 2, percent: 100 },
        paired: { count: 2, of: 2, percent: 100 },
        meanChange: 6.5,
        meaningfullyImproved: { count: 1, of: 2, percent: 50 },
      },
      // Baseline: Q1, Q2, Q3 of 5. Follow-up: Q1, Q2 of Q1-Q4. Changes +2 (improved), +1: mean 1.5.
      pain: {
        meaningfulChange: 2,
        baseline: { count: 3, of: 5, percent: 60 },
        followUp: { count: 2, of: 4, percent: 50 },
        paired: { count: 2, of: 4, percent: 50 },
        meanChange: 1.5,
        meaningfullyImproved: { count: 1, of: 2, percent: 50 },
      },
      // Changes +1.4 and +2 (4.1 - 2.1, rounded to one decimal): mean 1.7; the +2 counts.
      psfs: {
        meaningfulChange: 2,
        baseline: { count: 2, of: 5, percent: 40 },
        followUp: { count: 2, of: 4, percent: 50 },
        paired: { count: 2, of: 4, percent: 50 },
        meanChange: 1.7,
        meaningfullyImproved: { count: 1, of: 2, percent: 50 },
      },
      // Follow-up only: Q1 (3), Q2 (1), Q4 (2) of Q1-Q4; better or much better (2 or more): Q1, Q4.
      groc: {
        meaningfulChange: 2,
        baseline: null,
        followUp: { count: 3, of: 4, percent: 75 },
        paired: null,
        meanChange: null,
        meaningfullyImproved: { count: 2, of: 3, percent: 66.7 },
      },
    });
  });

  it("uses the service's own meaningful change where it sets one, and the measure's default elsewhere", () => {
    const own = buildReport(fixture, OCTOBER, AS_OF, { ...RULES, meaningfulChange: { pain: 1, groc: 3 } }).overall.outcomeMeasures;
    // Pain: +2 and +1 both at least 1.
    expect(own.pain).toMatchObject({ meaningfulChange: 1, meaningfullyImproved: { count: 2, of: 2, percent: 100 } });
    // Rating of change: only Q1's 3 (much better).
    expect(own.groc).toMatchObject({ meaningfulChange: 3, meaningfullyImproved: { count: 1, of: 3, percent: 33.3 } });
    expect(own['msk-hq']).toMatchObject({ meaningfulChange: 6, meaningfullyImproved: { count: 1, of: 2, percent: 50 } });
    // The mean change does not depend on the threshold.
    expect(own.pain.meanChange).toBe(1.5);
  });

  it('splits them by the service accepted into (else screened for, else unknown), most referrals first, and by practice', () => {
    expect(report.services.map((s) => [s.service, s.referralsReceived.total])).toEqual([
      ['physiotherapy', 6], // Q1, Q2, Q4, Q6, Q9, Q10
      ['rheumatology', 2], // Q3 (accepted there), Q8
      ['pain-management', 1], // Q5 (screened, undecided)
      ['podiatry', 1], // Q7 (screened, returned)
      ['unknown', 1], // Q11
    ]);
    const physiotherapy = report.services[0]!.outcomeMeasures.pain;
    // Baseline: Q1, Q2 of Q1, Q2, Q4. Follow-up: Q1, Q2 of the same three.
    expect(physiotherapy).toMatchObject({
      baseline: { count: 2, of: 3, percent: 66.7 },
      followUp: { count: 2, of: 3, percent: 66.7 },
      paired: { count: 2, of: 3, percent: 66.7 },
      meanChange: 1.5,
    });
    // Q3: answered at baseline only. No pairs: no mean, no percentage.
    expect(report.services[1]!.outcomeMeasures.pain).toEqual({
      meaningfulChange: 2,
      baseline: { count: 1, of: 1, percent: 100 },
      followUp: { count: 0, of: 1, percent: 0 },
      paired: { count: 0, of: 1, percent: 0 },
      meanChange: null,
      meaningfullyImproved: { count: 0, of: 0, percent: null },
    });
    const byPractice = Object.fromEntries(report.practices.map((p) => [p.odsCode, p.outcomeMeasures.pain]));
    // P81001: baseline Q1, Q2 of Q1, Q2, Q5; follow-up Q1, Q2 (Q5's text would not go).
    expect(byPractice.P81001).toMatchObject({ baseline: { count: 2, of: 3 }, paired: { count: 2, of: 2 }, meanChange: 1.5 });
    // P82002: baseline Q3 of Q3, Q4; follow-up none of Q3, Q4.
    expect(byPractice.P82002).toMatchObject({ baseline: { count: 1, of: 2 }, paired: { count: 0, of: 2 }, meanChange: null });
  });
});

describe('Friends and Family Test', () => {
  const report = buildReport(fixture, OCTOBER, AS_OF, RULES);

  it("counts % positive over every response, Don't know included, against the target, with the response rate", () => {
    // Responses: Q1 very good, Q2 good, Q4 don't know, Q6 very good, Q7 neither, Q8 poor, Q9 good: 7.
    // Positive: Q1, Q2, Q6, Q9: 4 of 7 = 57.1%. Invited: Q1-Q4, Q6-Q10 = 9 (not Q5: its text did not go).
    expect(report.overall.friendsAndFamilyTest).toEqual({
      count: 4,
      of: 7,
      percent: 57.1,
      answers: { 'very-good': 2, good: 2, neither: 1, poor: 1, 'very-poor': 0, 'dont-know': 1 },
      targetPercent: 90,
      metTarget: false,
      invited: 9,
      responseRate: { count: 7, of: 9, percent: 77.8 },
    });
    expect(buildReport(fixture, OCTOBER, AS_OF, { ...RULES, fftTargetPercent: 57 }).overall.friendsAndFamilyTest.metTarget).toBe(true);
  });

  it('splits it by clinic, by service, and by the week each response came in', () => {
    expect(report.clinics.map((c) => [c.clinic, c.count, c.of, c.percent, c.invited, c.responseRate.percent])).toEqual([
      ['Chorley', 1, 2, 50, 2, 100], // Q2 good, Q7 neither
      ['Preston', 1, 3, 33.3, 3, 100], // Q1 very good, Q4 don't know, Q8 poor
      ['Telephone', 2, 2, 100, 4, 50], // Q6 very good, Q9 good; Q3, Q10 did not answer
    ]);
    expect(
      report.services.map((s) => [s.service, s.friendsAndFamilyTest.count, s.friendsAndFamilyTest.of, s.friendsAndFamilyTest.percent]),
    ).toEqual([
      ['physiotherapy', 4, 5, 80], // Q1, Q2, Q6, Q9 positive; Q4 don't know; Q10 did not answer
      ['rheumatology', 0, 1, 0], // Q8 poor; Q3 did not answer
      ['pain-management', 0, 0, null], // never asked
      ['podiatry', 0, 1, 0], // Q7 neither
      ['unknown', 0, 0, null],
    ]);
    expect(report.services[2]!.friendsAndFamilyTest).toMatchObject({ invited: 0, metTarget: null, responseRate: { percent: null } });
    expect(report.fftWeeks.map((w) => [w.weekStarting, w.count, w.of, w.percent, w.metTarget])).toEqual([
      ['2026-10-19', 3, 4, 75, false], // Q6 (00:30 BST Monday), Q1, Q4, Q2
      ['2026-10-26', 1, 2, 50, false], // Q7, Q9
      ['2026-11-02', 0, 1, 0, false], // Q8, answered after the period
    ]);
    // The weeks received are unchanged: the referrals' own weeks.
    expect(report.weeks.map((w) => [w.weekStarting, w.referralsReceived.total])).toEqual([
      ['2026-09-28', 2],
      ['2026-10-05', 5],
      ['2026-10-12', 4],
    ]);
  });
});

describe('an empty period', () => {
  it('gives no percentages and no mean, not NaN', () => {
    const empty = buildReport(fixture, { from: '2025-01-01', to: '2025-01-31' }, AS_OF, RULES);
    for (const m of Object.values(empty.overall.outcomeMeasures)) {
      expect(m.followUp).toEqual({ count: 0, of: 0, percent: null });
      expect(m.meanChange).toBeNull();
      expect(m.meaningfullyImproved.percent).toBeNull();
    }
    expect(empty.overall.friendsAndFamilyTest).toMatchObject({ count: 0, of: 0, percent: null, metTarget: null, invited: 0 });
    expect([empty.services, empty.clinics, empty.fftWeeks]).toEqual([[], [], []]);
    expect(JSON.stringify(empty)).not.toContain('NaN');
  });
});

describe('configuration: MEANINGFUL_CHANGE and FFT_TARGET_PERCENT', () => {
  const withEnv = (env: Record<string, string>) => {
    const saved = { ...process.env };
    Object.assign(process.env, { TABLE_NAME: 'test' }, env);
    resetConfig();
    try {
      return config();
    } finally {
      process.env = saved;
      resetConfig();
    }
  };

  it("reads each named measure's threshold, leaving the others to their defaults", () => {
    const c = withEnv({ MEANINGFUL_CHANGE: 'msk-hq=7, pain=1.5', FFT_TARGET_PERCENT: '93.7' });
    expect(c.MEANINGFUL_CHANGE).toEqual({ 'msk-hq': 7, pain: 1.5 });
    expect(c.FFT_TARGET_PERCENT).toBe(93.7);
    expect(withEnv({}).MEANINGFUL_CHANGE).toEqual({});
    expect(withEnv({}).FFT_TARGET_PERCENT).toBe(90);
  });

  it('refuses an unknown measure or a threshold that is not a positive number, naming the field', () => {
    expect(() => withEnv({ MEANINGFUL_CHANGE: 'msk-hq=6,oxford-knee=5' })).toThrow(
      /MEANINGFUL_CHANGE: "oxford-knee" is not one of msk-hq, pain, psfs, groc/,
    );
    expect(() => withEnv({ MEANINGFUL_CHANGE: 'pain=two' })).toThrow(/MEANINGFUL_CHANGE: pain: "two" is not a positive number/);
    expect(() => withEnv({ MEANINGFUL_CHANGE: 'pain=0' })).toThrow(/MEANINGFUL_CHANGE: pain: "0" is not a positive number/);
    expect(() => withEnv({ FFT_TARGET_PERCENT: '110' })).toThrow(/FFT_TARGET_PERCENT/);
  });
});

describe('on the dashboard, in the CSV and in /metrics', () => {
  const report = buildReport(fixture, OCTOBER, AS_OF, RULES);
  // The page reads the configuration (its links' base), which needs a table name.
  beforeAll(() => {
    vi.stubEnv('TABLE_NAME', 'unit');
    resetConfig();
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    resetConfig();
  });

  it('adds a column per figure to the CSV, and rows per service, clinic and week answered, every row as wide as the header', () => {
    const [header, ...rows] = reportCsv(report)
      .trim()
      .split('\n')
      .map((line) => line.split(','));
    // No cell here needs quoting, so splitting on commas reads it as a spreadsheet would.
    expect(reportCsv(report)).not.toContain('"');
    for (const row of rows) expect(row).toHaveLength(header!.length);
    const cell = (scope: string, id: string, column: string) => rows.find((r) => r[0] === scope && r[1] === id)![header!.indexOf(column)];
    const service = rows[0]![1]!;
    expect([
      cell('service', service, 'pain_mean_change'),
      cell('service', service, 'pain_paired'),
      cell('service', service, 'pain_improved_pct'),
    ]).toEqual(['1.5', '2', '50']);
    expect([
      cell('service', service, 'groc_paired'),
      cell('service', service, 'groc_improved'),
      cell('service', service, 'fft_positive_pct'),
    ]).toEqual(['', '2', '57.1']);
    expect([
      cell('service', service, 'fft_dont_know'),
      cell('service', service, 'fft_invited'),
      cell('service', service, 'fft_target_pct'),
    ]).toEqual(['1', '9', '90']);
    expect(cell('clinical_service', 'physiotherapy', 'fft_positive_pct')).toBe('80');
    // FFT-only rows: the FFT's cells, the rest blank; the weeks answered have no invitations.
    expect([
      cell('clinic', 'Preston', 'fft_positive_pct'),
      cell('clinic', 'Preston', 'referrals_received'),
      cell('clinic', 'Preston', 'pain_paired'),
    ]).toEqual(['33.3', '', '']);
    expect([cell('fft_week_answered', '2026-11-02', 'fft_responses'), cell('fft_week_answered', '2026-11-02', 'fft_invited')]).toEqual([
      '1',
      '',
    ]);
  });

  it('writes a worse score as a negative number, not as text', () => {
    const worse = referral('W1', '01', 'P81001', 'physiotherapy', [
      invited('2026-10-01T09:00:01.000Z', 'baseline', ['pain']),
      answered('2026-10-01T12:00:00.000Z', 'baseline', { pain: 3 }),
      invited('2026-10-20T09:00:00.000Z', 'follow-up', ['pain']),
      answered('2026-10-21T09:00:00.000Z', 'follow-up', { pain: 5 }),
    ]);
    const worseReport = buildReport([worse], OCTOBER, AS_OF, RULES);
    expect(worseReport.overall.outcomeMeasures.pain.meanChange).toBe(-2);
    const [header, service] = reportCsv(worseReport)
      .split('\n')
      .map((line) => line.split(','));
    expect(service![header!.indexOf('pain_mean_change')]).toBe('-2');
  });

  it('shows the section "Outcomes and experience" with each measure, its threshold, and the FFT against its target', () => {
    const body = dashboardPage(report, []).body;
    const section = body.slice(body.indexOf('Outcomes and experience'));
    expect(section).toContain('57.1%');
    expect(section).toContain('4 of 7 · target 90%');
    expect(section).toContain('Below target');
    expect(section).toContain('7 responses of 9 invited');
    // Pain: 3 of 5 at baseline, 2 of 4 at follow-up and paired, +1.5, 1 of 2 improved by at least 2.
    expect(section).toMatch(
      /Pain<\/td>\s*<td[^>]*>60% \(3 of 5\)<\/td>\s*<td[^>]*>50% \(2 of 4\)<\/td>\s*<td[^>]*>50% \(2 of 4\)<\/td>\s*<td[^>]*>\+1.5<\/td>\s*<td[^>]*>50% \(1 of 2\)<\/td>\s*<td[^>]*>at least 2 points better/,
    );
    expect(section).toContain('rated much better or better');
    // Outcomes by service and by practice: physiotherapy's and P81001's pain, +1.5 over 2 pairs.
    expect(section).toMatch(/<th[^>]*>Service<\/th>\s*<th[^>]*>MSK-HQ: mean change \(pairs\)/);
    expect(section).toMatch(/Physiotherapy<\/td>\s*<td[^>]*>\+6.5 \(2\)<\/td>\s*<td[^>]*>\+1.5 \(2\)<\/td>/);
    expect(section).toMatch(/P81001<\/td>\s*<td[^>]*>\+6.5 \(2\)<\/td>\s*<td[^>]*>\+1.5 \(2\)<\/td>/);
    for (const text of [
      'Preston',
      'Chorley',
      'Telephone',
      '2026-11-02',
      'Physiotherapy',
      'Not known',
      'Self-referrals',
      'Neither good nor poor',
    ])
      expect(section).toContain(text);
  });

  it('never shows or exports the free text beside the answers', () => {
    for (const out of [dashboardPage(report, []).body, reportCsv(report), JSON.stringify(report)]) {
      expect(out).not.toContain('Kind staff');
      expect(out).not.toContain('Stairs');
    }
  });
});
