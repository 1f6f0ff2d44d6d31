/**
 * The service dashboard for staff: headline figures against their targets, the weekly trend of
 * the 24-hour triage target as a server-drawn SVG, the practice comparison, outcomes and the
 * Friends and Family Test, and links from each referral to its audit trail. The same figures as
 * CSV for spreadsheets. No script, printable.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { stringify } from 'csv-stringify/sync';

import type { FftFigures, FftScore, Figures, MeasureFigures, Report, Share } from '../domain/figures.js';
import { FFT_ANSWERS, FRIENDS_AND_FAMILY_TEST, GLOBAL_RATING_OF_CHANGE, MEASURE_IDS, MEASURES } from '../domain/questionnaires.js';
import type { Referral, ReferralEvent } from '../domain/referral.js';
import { serviceName, SERVICES } from '../domain/screening.js';
import { ukTime } from '../domain/time.js';
import { type BandCounts, WAIT_BANDS, type WaitBandId, type WaitingListSummary } from '../domain/waiting-list.js';
import { spreadsheetSafe } from './api.js';
import { html, page, type SafeHtml, table } from './html.js';
import { signOutButton } from './staff-pages.js';

/** Green from `target`, amber from `amberFrom`, red below (percentages). A service may tune these. */
export const TARGETS = {
  triagedWithin24Hours: { label: 'Triaged within 24 hours', target: 95, amberFrom: 85 },
  urgentSeenWithin5Days: { label: 'Urgent patients seen within 5 days', target: 95, amberFrom: 85 },
  routineSeenWithin4Weeks: { label: 'Routine patients seen within 4 weeks', target: 95, amberFrom: 85 },
  diversionFromOrthopaedics: { label: 'Orthopaedic-route referrals kept in community care', target: 30, amberFrom: 20 },
} as const;

type Rag = 'green' | 'amber' | 'red' | 'none';

export function ragOf(percent: number | null, target: { target: number; amberFrom: number }): Rag {
  if (percent === null) return 'none';
  return percent >= target.target ? 'green' : percent >= target.amberFrom ? 'amber' : 'red';
}

const RAG_TAG: Record<Rag, SafeHtml> = {
  green: html`<strong class="nhsuk-tag nhsuk-tag--green">On target</strong>`,
  amber: html`<strong class="nhsuk-tag nhsuk-tag--yellow">Near target</strong>`,
  red: html`<strong class="nhsuk-tag nhsuk-tag--red">Below target</strong>`,
  none: html`<strong class="nhsuk-tag nhsuk-tag--grey">No data yet</strong>`,
};

/**
 * The waiting list in the figures' CSV: a row per service (`waiting_list`, its code) and one for all
 * (`all`), as of `waiting_as_of` (a UK date), a column per weeks-waited band.
 */
function waitingListRows(list: WaitingListSummary | undefined): Record<string, string | number>[] {
  if (!list) return [];
  const counts = (c: BandCounts) => ({
    waiting_as_of: list.asOfDate,
    ...Object.fromEntries(WAIT_BANDS.map((b) => [b.csv, c[b.id]])),
    waiting_total: c.total,
  });
  return [
    ...list.services.map((s) => ({ scope: 'waiting_list', id: s.service, ...counts(s) })),
    { scope: 'waiting_list', id: 'all', ...counts(list.total) },
  ];
}

const pct = (share: Share) => (share.percent === null ? '–' : `${share.percent}%`);
const hours = (h: number | null) => (h === null ? '–' : `${h} h`);

type Cells = Record<string, string | number | null>;

/** A measure's columns: invited, answered and rate at each timepoint, pairs, mean change, improved (blank where not asked). */
function measureColumns(id: string, m: MeasureFigures): Cells {
  const p = id.replace('-', '_');
  return {
    [`${p}_baseline_invited`]: m.baseline?.of ?? null,
    [`${p}_baseline_answered`]: m.baseline?.count ?? null,
    [`${p}_baseline_response_pct`]: m.baseline?.percent ?? null,
    [`${p}_follow_up_invited`]: m.followUp.of,
    [`${p}_follow_up_answered`]: m.followUp.count,
    [`${p}_follow_up_response_pct`]: m.followUp.percent,
    [`${p}_paired`]: m.paired?.count ?? null,
    [`${p}_paired_pct`]: m.paired?.percent ?? null,
    [`${p}_mean_change`]: m.meanChange,
    [`${p}_meaningful_change`]: m.meaningfulChange,
    [`${p}_improved`]: m.meaningfullyImproved.count,
    [`${p}_improved_of`]: m.meaningfullyImproved.of,
    [`${p}_improved_pct`]: m.meaningfullyImproved.percent,
  };
}

/** The FFT's columns: invitations and responses (blank by week answered, which has no invitations), each answer, % positive. */
function fftColumns(f: FftScore & Partial<Pick<FftFigures, 'invited' | 'responseRate'>>): Cells {
  return {
    fft_invited: f.invited ?? null,
    fft_responses: f.of,
    fft_response_pct: f.responseRate?.percent ?? null,
    ...Object.fromEntries(FFT_ANSWERS.map((a) => [`fft_${a.replace('-', '_')}`, f.answers[a]])),
    fft_positive: f.count,
    fft_positive_pct: f.percent,
    fft_target_pct: f.targetPercent,
  };
}

/** The figures as flat columns: one CSV row per scope (the whole service, a practice, a week, a service). */
function columns(f: Figures): Cells {
  return {
    referrals_received: f.referralsReceived.total,
    from_gp: f.referralsReceived.gp,
    self_referrals: f.referralsReceived.self,
    triaged_within_24h: f.triagedWithin24Hours.count,
    triage_due: f.triagedWithin24Hours.of,
    triaged_within_24h_pct: f.triagedWithin24Hours.percent,
    triage_pending: f.triagedWithin24Hours.pending,
    median_hours_to_triage: f.hoursToTriage.median,
    p95_hours_to_triage: f.hoursToTriage.p95,
    urgent_seen_within_5d: f.urgentSeenWithin5Days.count,
    urgent_due: f.urgentSeenWithin5Days.of,
    urgent_seen_within_5d_pct: f.urgentSeenWithin5Days.percent,
    routine_seen_within_4w: f.routineSeenWithin4Weeks.count,
    routine_due: f.routineSeenWithin4Weeks.of,
    routine_seen_within_4w_pct: f.routineSeenWithin4Weeks.percent,
    ...Object.fromEntries(Object.keys(SERVICES).map((s) => [`accepted_${s}`, f.decisions.accepted[s] ?? 0])),
    redirected: f.decisions.redirected,
    secondary_care: f.decisions.secondaryCare,
    returned_with_advice: f.decisions.returnedWithAdvice,
    self_management: f.decisions.selfManagement,
    emergency: f.decisions.emergency,
    awaiting_information: f.decisions.awaitingInformation,
    orthopaedic_route: f.diversionFromOrthopaedics.of,
    kept_in_community: f.diversionFromOrthopaedics.count,
    diversion_pct: f.diversionFromOrthopaedics.percent,
    outcomes_recorded: f.didNotAttendRate.of,
    did_not_attend: f.didNotAttendRate.count,
    did_not_attend_pct: f.didNotAttendRate.percent,
    offered_booking: f.unableToContactRate.of,
    unable_to_contact: f.unableToContactRate.count,
    unable_to_contact_pct: f.unableToContactRate.percent,
    sms_sent: f.smsPerBookedAppointment.sms,
    appointments_booked: f.smsPerBookedAppointment.bookedAppointments,
    sms_per_booked_appointment: f.smsPerBookedAppointment.ratio,
    surgery_reviewed: f.surgeryScreening.reviewed,
    surgery_referred: f.surgeryScreening.referred,
    surgery_not_wanted: f.surgeryScreening.notWanted,
    surgery_undecided: f.surgeryScreening.undecided,
    surgery_not_yet_fit: f.surgeryScreening.notYetFit,
    surgery_not_fit: f.surgeryScreening.notFit,
    surgery_unrecorded: f.surgeryScreening.unrecorded,
    first_contact_within_target: f.firstContactWithinTarget.count,
    first_contact_due: f.firstContactWithinTarget.of,
    first_contact_within_target_pct: f.firstContactWithinTarget.percent,
    first_contact_target_hours: f.firstContactWithinTarget.withinHours,
    first_contact_target_pct: f.firstContactWithinTarget.targetPercent,
    first_contact_pending: f.firstContactWithinTarget.pending,
    first_contact_fell_back: f.firstContactWithinTarget.fellBack,
    median_hours_to_first_contact: f.hoursToFirstContact.median,
    calls_with_outcome: f.callOutcomes.calls,
    call_advice_only: f.callOutcomes.selfManagement,
    call_booked: f.callOutcomes.booked,
    call_triage: f.callOutcomes.triage,
    call_senior_review: f.callOutcomes.seniorReview,
    call_emergency: f.callOutcomes.emergency,
    call_declined: f.callOutcomes.declined,
    call_not_reached: f.callOutcomes.notReached,
    managed_by_telephone_alone_pct: f.callOutcomes.managedByTelephoneAlone.percent,
    ...Object.assign({}, ...MEASURE_IDS.map((id) => measureColumns(id, f.outcomeMeasures[id]))),
    ...fftColumns(f.friendsAndFamilyTest),
  };
}

export function reportCsv(report: Report): string {
  const rows: Record<string, string | number | null>[] = [
    { scope: 'service', id: `${report.period.from}..${report.period.to}`, ...columns(report.overall) },
    ...report.practices.map((p) => ({ scope: 'practice', id: p.odsCode, ...columns(p) })),
    ...report.weeks.map((w) => ({ scope: 'week', id: w.weekStarting, ...columns(w) })),
    ...report.services.map((s) => ({ scope: 'clinical_service', id: s.service, ...columns(s) })),
    // The FFT alone: by clinic, and by the week it was answered (the FFT's own weeks).
    ...report.clinics.map((c) => ({ scope: 'clinic', id: c.clinic, ...fftColumns(c) })),
    ...report.fftWeeks.map((w) => ({ scope: 'fft_week_answered', id: w.weekStarting, ...fftColumns(w) })),
    ...waitingListRows(report.waitingList),
  ];
  // Every row's columns: a scope's own columns are blank in the other scopes' rows. Numbers are not
  // apostrophed (a mean change may be negative, and a number cannot be a formula); text is.
  const header = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return stringify(rows, { header: true, columns: header, cast: { string: spreadsheetSafe } });
}

function headline(key: keyof typeof TARGETS | { label: string; target: number; amberFrom: number }, share: Share): SafeHtml {
  const target = typeof key === 'string' ? TARGETS[key] : key;
  return html`<div class="nhsuk-grid-column-one-half"><div class="nhsuk-card"><div class="nhsuk-card__content">
<h2 class="nhsuk-card__heading nhsuk-heading-s">${target.label}</h2>
<p class="nhsuk-heading-l nhsuk-u-margin-bottom-1">${pct(share)}</p>
<p class="nhsuk-body-s">${share.count} of ${share.of} · target ${target.target}% ${RAG_TAG[ragOf(share.percent, target)]}</p>
</div></div></div>`;
}

/** Bars of the weekly share triaged within 24 hours, with the target as a dashed line. */
function trendChart(report: Report): SafeHtml {
  const weeks = report.weeks;
  if (!weeks.length) return html`<p>No referrals in this period.</p>`;
  const width = 720;
  const height = 220;
  const left = 40;
  const bottom = 40;
  const top = 22;
  const plotHeight = height - bottom - top;
  const step = (width - left) / weeks.length;
  const y = (percent: number) => top + plotHeight * (1 - percent / 100);
  const target = TARGETS.triagedWithin24Hours;
  const fill: Record<Rag, string> = { green: '#007f3b', amber: '#ffb81c', red: '#d5281b', none: '#aeb7bd' };
  const bars = weeks.map((w, i) => {
    const percent = w.triagedWithin24Hours.percent;
    const barWidth = Math.min(step * 0.7, 64);
    const x = left + i * step + (step - barWidth) / 2;
    const barTop = y(percent ?? 0);
    return html`<g><title>Week of ${w.weekStarting}: ${pct(w.triagedWithin24Hours)} of ${w.triagedWithin24Hours.of}
triaged within 24 hours</title>
<rect x="${x.toFixed(1)}" y="${barTop.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(top + plotHeight - barTop).toFixed(1)}"
 fill="${fill[ragOf(percent, target)]}"/>
<text x="${(x + barWidth / 2).toFixed(1)}" y="${(barTop - 4).toFixed(1)}" text-anchor="middle" font-size="12">
${pct(w.triagedWithin24Hours)}</text>
<text x="${(x + barWidth / 2).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle" font-size="11">${w.weekStarting.slice(5)}</text>
<text x="${(x + barWidth / 2).toFixed(1)}" y="${height - bottom + 30}" text-anchor="middle" font-size="10" fill="#4c6272">
${w.referralsReceived.total} ref.</text></g>`;
  });
  return html`<svg role="img" aria-labelledby="trend-title" viewBox="0 0 ${width} ${height}" width="100%"
 xmlns="http://www.w3.org/2000/svg">
<title id="trend-title">Share of referrals triaged within 24 hours, by week</title>
<line x1="${left}" x2="${width}" y1="${y(0)}" y2="${y(0)}" stroke="#4c6272"/>
<text x="${left - 6}" y="${y(100) + 4}" text-anchor="end" font-size="11">100%</text>
<text x="${left - 6}" y="${y(0) + 4}" text-anchor="end" font-size="11">0%</text>
${bars}
<line x1="${left}" x2="${width}" y1="${y(target.target)}" y2="${y(target.target)}" stroke="#212b32" stroke-dasharray="6 4"/>
<text x="${width - 4}" y="${y(target.target) - 4}" text-anchor="end" font-size="11">target ${target.target}%</text>
</svg>`;
}

/** Whether the period has phone-first referrals (a service that does not call first sees none of this). */
const usesCalls = (f: Figures) => f.firstContactWithinTarget.of + f.firstContactWithinTarget.pending + f.callOutcomes.calls > 0;

/** Phone first: the first contact target, the calls' outcomes, and the target week by week. */
function firstContactSection(report: Report): SafeHtml {
  const f = report.overall.firstContactWithinTarget;
  const calls = report.overall.callOutcomes;
  const target = {
    label: `First contact within ${f.withinHours} hours`,
    target: f.targetPercent,
    amberFrom: Math.max(0, f.targetPercent - 10),
  };
  return html`<h2>First contact calls</h2>
<div class="nhsuk-grid-row">
${headline(target, f)}
<div class="nhsuk-grid-column-one-half"><div class="nhsuk-card"><div class="nhsuk-card__content">
<h2 class="nhsuk-card__heading nhsuk-heading-s">Managed by telephone alone (advice only)</h2>
<p class="nhsuk-heading-l nhsuk-u-margin-bottom-1">${pct(calls.managedByTelephoneAlone)}</p>
<p class="nhsuk-body-s">${calls.managedByTelephoneAlone.count} of ${calls.calls} calls with an outcome</p>
</div></div></div>
</div>
${table(
  ['Figure', 'Value'],
  [
    ['Time to first contact: median', hours(report.overall.hoursToFirstContact.median)],
    ['Waiting for a call, not yet due', f.pending],
    ['Fell back to booking (not reached, wrong number, or no number to call)', f.fellBack],
  ],
  'First contact',
)}
${table(
  ['Outcome of the call', 'Calls'],
  [
    ['Advice and self-management', calls.selfManagement],
    ['Booked face to face on the call', calls.booked],
    ['Needs clinician triage', calls.triage],
    ['Needs senior review', calls.seniorReview],
    ['Emergency care', calls.emergency],
    ['Declined', calls.declined],
    ['Not reached (offered booking instead)', calls.notReached],
    ['All calls with an outcome', calls.calls],
  ],
  'Outcomes of calls',
)}
${table(
  ['Week starting', 'Reached in time', 'Due', 'Share'],
  report.weeks.map((w) => [
    w.weekStarting,
    w.firstContactWithinTarget.count,
    w.firstContactWithinTarget.of,
    pct(w.firstContactWithinTarget),
  ]),
  `First contact within ${f.withinHours} hours, week by week`,
)}`;
}

const ofShare = (share: Share | null) => (share === null || !share.of ? '–' : `${pct(share)} (${share.count} of ${share.of})`);
const change = (n: number | null) => (n === null ? '–' : n > 0 ? `+${n}` : String(n));

/** What counts as meaningfully improved, in words: points of the score, or the ratings of change that count. */
function threshold(id: string, m: MeasureFigures): string {
  if (id !== GLOBAL_RATING_OF_CHANGE.id) return `at least ${m.meaningfulChange} points better`;
  const item = GLOBAL_RATING_OF_CHANGE.items[0]!;
  const ratings = item.type === 'choice' ? item.options.filter((o) => (o.score ?? -Infinity) >= m.meaningfulChange) : [];
  return `rated ${ratings.map((o) => o.display.toLowerCase()).join(' or ') || `at least ${m.meaningfulChange}`}`;
}

/** One row per group (a service, a practice): each measure's mean change over its pairs, and the FFT. */
function outcomesBy(head: string, rows: { label: string; figures: Figures }[], caption: string): SafeHtml {
  const paired = MEASURE_IDS.filter((id) => MEASURES[id].timepoints.includes('baseline'));
  return table(
    [head, ...paired.map((id) => `${MEASURES[id].title}: mean change (pairs)`), `${MEASURES.groc.title}: improved`, 'FFT positive'],
    rows.map(({ label, figures: f }) => [
      label,
      ...paired.map((id) => {
        const m = f.outcomeMeasures[id];
        return m.paired?.count ? `${change(m.meanChange)} (${m.paired.count})` : '–';
      }),
      ofShare(f.outcomeMeasures.groc.meaningfullyImproved),
      ofShare(f.friendsAndFamilyTest),
    ]),
    caption,
  );
}

/** The FFT for each service, clinic or week: responses (and their rate, where invitations belong to the row), the share positive. */
function fftTable(head: string, rows: [string, FftScore & Partial<Pick<FftFigures, 'responseRate'>>][], caption: string): SafeHtml {
  const rated = rows.some(([, f]) => f.responseRate);
  return table(
    [head, 'Responses', ...(rated ? ['Response rate'] : []), 'Very good or good'],
    rows.map(([label, f]) => [label, f.of, ...(rated ? [ofShare(f.responseRate ?? null)] : []), ofShare(f)]),
    caption,
  );
}

/**
 * Outcomes and experience: each outcome measure's response rates, pairs, mean change and share
 * meaningfully improved (its threshold shown), and the FFT's % positive against its target, by
 * service, clinic and week answered. Shown whether or not anyone was asked, so a gap is visible.
 */
function outcomesSection(report: Report): SafeHtml {
  const o = report.overall;
  const fft = o.friendsAndFamilyTest;
  const fftTarget = {
    label: 'Friends and Family Test: very good or good',
    target: fft.targetPercent,
    amberFrom: Math.max(0, fft.targetPercent - 10),
  };
  const answers = FRIENDS_AND_FAMILY_TEST.items[0]!;
  const displays = answers.type === 'choice' ? Object.fromEntries(answers.options.map((a) => [a.code, a.display])) : {};
  return html`<h2 id="outcomes">Outcomes and experience</h2>
<p class="nhsuk-body-s">Response rates are of the patients invited (patients without a mobile are never invited).
A change is follow-up against baseline for patients who answered both, positive when better (less pain is better).
The Friends and Family Test's share positive counts every response, "Don't know" included, as NHS England does.</p>
<div class="nhsuk-grid-row">
${headline(fftTarget, fft)}
<div class="nhsuk-grid-column-one-half"><div class="nhsuk-card"><div class="nhsuk-card__content">
<h2 class="nhsuk-card__heading nhsuk-heading-s">Friends and Family Test: response rate</h2>
<p class="nhsuk-heading-l nhsuk-u-margin-bottom-1">${pct(fft.responseRate)}</p>
<p class="nhsuk-body-s">${fft.responseRate.count} responses of ${fft.invited} invited</p>
</div></div></div>
</div>
${table(
  ['Measure', 'Baseline answered', 'Follow-up answered', 'Paired', 'Mean change', 'Meaningfully improved', 'Counts as improved'],
  MEASURE_IDS.map((id) => {
    const m = o.outcomeMeasures[id];
    return [
      MEASURES[id].title,
      ofShare(m.baseline),
      ofShare(m.followUp),
      ofShare(m.paired),
      change(m.meanChange),
      ofShare(m.meaningfullyImproved),
      threshold(id, m),
    ];
  }),
  'Patient-reported outcome measures',
)}
${table(
  ['Answer', 'Responses'],
  [...FFT_ANSWERS.map((a) => [displays[a] ?? a, fft.answers[a]]), ['All responses', fft.of]],
  'Friends and Family Test answers',
)}
${fftTable(
  'Service',
  report.services.map((s) => [serviceName(s.service), s.friendsAndFamilyTest]),
  'Friends and Family Test by service',
)}
${fftTable(
  'Clinic',
  report.clinics.map((c) => [c.clinic, c]),
  'Friends and Family Test by clinic (where the patient was discharged from)',
)}
${fftTable(
  'Week answered',
  report.fftWeeks.map((w) => [w.weekStarting, w]),
  'Friends and Family Test by the week it was answered',
)}
${outcomesBy(
  'Service',
  report.services.map((s) => ({ label: serviceName(s.service), figures: s })),
  'Outcomes by service',
)}
${outcomesBy(
  'Practice',
  report.practices.map((p) => ({ label: p.odsCode === 'SELF' ? 'Self-referrals' : p.odsCode, figures: p })),
  'Outcomes by practice',
)}`;
}

/** Referrals listed with links to their timelines (newest first, up to this many). */
const LISTED_REFERRALS = 200;

export function dashboardPage(
  report: Report,
  referrals: Pick<Referral, 'id' | 'receivedAt' | 'referrer' | 'status' | 'screening'>[],
): APIGatewayProxyResult {
  const o = report.overall;
  const query = `from=${report.period.from}&to=${report.period.to}`;
  const decisions = o.decisions;
  const newest = [...referrals].reverse().slice(0, LISTED_REFERRALS);
  const phoneFirst = usesCalls(o);
  const content = html`${signOutButton}<h1>Service dashboard</h1>
<form method="get" action="dashboard" class="nhsuk-u-margin-bottom-4">
<div class="nhsuk-form-group"><label class="nhsuk-label" for="from">From (UK date)</label>
<input class="nhsuk-input nhsuk-input--width-10" id="from" name="from" type="date" value="${report.period.from}"></div>
<div class="nhsuk-form-group"><label class="nhsuk-label" for="to">To (included)</label>
<input class="nhsuk-input nhsuk-input--width-10" id="to" name="to" type="date" value="${report.period.to}"></div>
<button class="nhsuk-button nhsuk-button--secondary" type="submit">Show</button>
</form>
<p class="nhsuk-body-s">Referrals received ${report.period.from} to ${report.period.to} (UK time), as they stand at ${ukTime(report.asOf)}.
Download: <a href="metrics.csv?${query}">CSV</a> · <a href="metrics?${query}">JSON</a></p>
<div class="nhsuk-grid-row">
${headline('triagedWithin24Hours', o.triagedWithin24Hours)}
${headline('urgentSeenWithin5Days', o.urgentSeenWithin5Days)}
</div>
<div class="nhsuk-grid-row">
${headline('routineSeenWithin4Weeks', o.routineSeenWithin4Weeks)}
${headline('diversionFromOrthopaedics', o.diversionFromOrthopaedics)}
</div>
${phoneFirst ? firstContactSection(report) : ''}
${report.waitingList ? waitingListSection(report.waitingList) : ''}
${table(
  ['Figure', 'Value'],
  [
    ['Referrals received', `${o.referralsReceived.total} (GP ${o.referralsReceived.gp}, self ${o.referralsReceived.self})`],
    ['Time to triage: median, 95th percentile', `${hours(o.hoursToTriage.median)}, ${hours(o.hoursToTriage.p95)}`],
    ['Waiting for triage, not yet due', o.triagedWithin24Hours.pending],
    ['Did-not-attend rate', `${pct(o.didNotAttendRate)} (${o.didNotAttendRate.count} of ${o.didNotAttendRate.of} appointments)`],
    [
      'Unable-to-contact rate',
      `${pct(o.unableToContactRate)} (${o.unableToContactRate.count} of ${o.unableToContactRate.of} offered booking)`,
    ],
    ['SMS per booked appointment', o.smsPerBookedAppointment.ratio ?? '–'],
  ],
  'Other figures',
)}
<h2>Triage within 24 hours, week by week</h2>
${trendChart(report)}
${table(
  ['Decision', 'Referrals'],
  [
    ...Object.entries(decisions.accepted).map(([service, n]) => [`Accepted: ${SERVICES[service as keyof typeof SERVICES] ?? service}`, n]),
    ['Redirected (community)', decisions.redirected],
    ['Secondary care', decisions.secondaryCare],
    ['Returned with advice', decisions.returnedWithAdvice],
    ['Supported self-management', decisions.selfManagement],
    ['Emergency (sent to A&E)', decisions.emergency],
    ['Waiting for information', decisions.awaitingInformation],
  ],
  'Decisions',
)}
${table(
  ['Senior review before surgery', 'Referrals'],
  [
    ['Reviewed', o.surgeryScreening.reviewed],
    ['Referred on (wants surgery, fit for it)', o.surgeryScreening.referred],
    ['Screened out: does not want surgery', o.surgeryScreening.notWanted],
    ['Screened out: undecided', o.surgeryScreening.undecided],
    ['Screened out: not yet fit (referrer told what to optimise)', o.surgeryScreening.notYetFit],
    ['Screened out: not fit for surgery', o.surgeryScreening.notFit],
    ...(o.surgeryScreening.unrecorded
      ? [['Returned to community care before these answers were recorded', o.surgeryScreening.unrecorded]]
      : []),
  ],
  'Surgery screening',
)}
${outcomesSection(report)}
${table(
  [
    'Rank',
    'Practice',
    'Referrals',
    ...(phoneFirst ? [`First contact in ${o.firstContactWithinTarget.withinHours} h`] : []),
    'Triaged in 24 h',
    'Returned with advice',
    'Kept in community',
    'Did not attend',
  ],
  report.practices.map((p) => [
    p.rank,
    p.odsCode === 'SELF' ? 'Self-referrals' : p.odsCode,
    p.referralsReceived.total,
    ...(phoneFirst ? [pct(p.firstContactWithinTarget)] : []),
    pct(p.triagedWithin24Hours),
    p.decisions.returnedWithAdvice,
    pct(p.diversionFromOrthopaedics),
    pct(p.didNotAttendRate),
  ]),
  'Practices compared (most referrals first)',
)}
${table(
  ['Referral', 'Received', 'Practice', 'Priority', 'Status'],
  newest.map((r) => [
    html`<a href="dashboard/referrals/${r.id}">${r.id}</a>`,
    ukTime(r.receivedAt),
    r.referrer?.odsCode ?? 'Self',
    r.screening?.priority ?? '–',
    r.status.replaceAll('_', ' '),
  ]),
  referrals.length > LISTED_REFERRALS ? `Newest ${LISTED_REFERRALS} of ${referrals.length} referrals` : 'Referrals in this period',
)}`;
  return page({ title: 'Service dashboard', content });
}

/** One referral's audit trail: every event, oldest first, with who and when. */
export function timelinePage(referral: Referral, timeline: ReferralEvent[]): APIGatewayProxyResult {
  const content = html`${signOutButton}<a class="nhsuk-back-link" href="../../dashboard">Back to the dashboard</a>
<h1>Referral ${referral.id}</h1>
<p>Status: <strong>${referral.status.replaceAll('_', ' ')}</strong>.
Received ${ukTime(referral.receivedAt)} from ${referral.referrer?.odsCode ?? 'the patient (self-referral)'}.</p>
${table(
  ['When (UK time)', 'Event', 'By', 'Details'],
  timeline.map((e) => [
    ukTime(e.at),
    e.type.replaceAll('_', ' '),
    e.actor,
    [...Object.entries(e.detail ?? {}), ...Object.entries(e.note ?? {})]
      .filter(([k, v]) => v !== undefined && k !== 'messageId' && k !== 'linkId')
      .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join('; '),
  ]),
  'Audit trail (append-only)',
)}`;
  return page({ title: `Referral ${referral.id}`, content });
}

/** Short column headings; the caption gives each band's days. */
const BAND_HEADINGS: Record<WaitBandId, string> = {
  weeks0to1: '0-1 weeks',
  weeks1to2: '1-2 weeks',
  weeks2to4: '2-4 weeks',
  weeks4to12: '4-12 weeks',
  weeks12to18: '12-18 weeks',
  weeks18to52: '18-52 weeks',
  over52Weeks: 'Over 52 weeks',
};

/**
 * Waiting for a first appointment, per service and weeks-waited band: everyone on the list as of
 * the period's end (not only the period's referrals). Services nobody waits for are left out.
 */
export function waitingListSection(list: WaitingListSummary): SafeHtml {
  const row = (name: string, c: BandCounts) => [name, ...WAIT_BANDS.map((b) => c[b.id]), c.total];
  const services = list.services.filter((s) => s.total > 0);
  return html`<h2>Waiting for a first appointment</h2>
<p class="nhsuk-body-s">Everyone waiting on ${list.asOfDate} (UK date), whenever they were referred: ${list.total.total} in all,
${list.total.weeks18to52 + list.total.over52Weeks} over 18 weeks (${list.total.over52Weeks} of them over 52). Weeks waited from the
day the referral arrived, in NHS England's community health services bands: ${WAIT_BANDS.map((b) => b.label).join('; ')}.</p>
${table(
  ['Service', ...WAIT_BANDS.map((b) => BAND_HEADINGS[b.id]), 'Total'],
  [...services.map((s) => row(SERVICES[s.service as keyof typeof SERVICES] ?? s.service, s)), row('All services', list.total)],
  `Waiting by service and weeks waited, ${list.asOfDate}`,
)}`;
}
