/**
 * The forecast's report: one HTML page a service manager can open and print (no JavaScript, no
 * requests, NHS.UK look), and the same results as JSON for other tools. Every chart is followed by
 * its numbers in a table, and lines differ by dash as well as colour.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { escape } from 'html-escaper';

import { WAIT_BANDS } from '../../shared/domain/waiting-list.js';
import type { RunResult, WeekRow } from './simulation.js';

export interface ForecastRun {
  scenarioName: string;
  scenarioFile: string;
  seed: number;
  weeks: number;
  generatedAt: string;
  results: RunResult[];
}

const COLOURS = ['#005eb8', '#d5281b', '#007f3b', '#7c2855', '#ed8b00', '#330072'];
const DASHES = ['', '8 4', '2 3', '10 3 2 3', '4 4', '1 2'];
/** The nth line's look: a colour and a dash pattern, so that colour is never the only cue. */
const stroke = (n: number, width: number) =>
  `stroke="${COLOURS[n % COLOURS.length]}" stroke-width="${width}" stroke-dasharray="${DASHES[n % DASHES.length]}"`;
const OVER_4_WEEKS = WAIT_BANDS.filter((b) => b.fromDays > 28).map((b) => b.id);

const pct = (share: { percent: number | null }) => (share.percent === null ? '–' : `${share.percent}%`);
const num = (n: number | null | undefined, digits = 0) => (n === null || n === undefined ? '–' : n.toFixed(digits));
const ratio = (n: number | null) => (n === null ? null : Math.round(n * 1000) / 10);

function comparison(results: RunResult[]): string {
  const rows: [string, (r: RunResult) => string][] = [
    ['Referrals received', (r) => String(r.report.overall.referralsReceived.total)],
    ['Triaged within 24 hours', (r) => pct(r.report.overall.triagedWithin24Hours)],
    ['Hours to triage: median', (r) => num(r.report.overall.hoursToTriage.median, 1)],
    ['Hours to triage: 95th centile', (r) => num(r.report.overall.hoursToTriage.p95, 1)],
    ['Urgent seen within 5 days', (r) => pct(r.report.overall.urgentSeenWithin5Days)],
    ['Routine seen within 4 weeks', (r) => pct(r.report.overall.routineSeenWithin4Weeks)],
    ['First contact call within target', (r) => pct(r.report.overall.firstContactWithinTarget)],
    ['Did not attend', (r) => pct(r.report.overall.didNotAttendRate)],
    ['Unable to contact', (r) => pct(r.report.overall.unableToContactRate)],
    ['Waiting at the end', (r) => String(r.waitingLists.at(-1)?.summary.total.total ?? 0)],
    ['Of them, waiting over 4 weeks', (r) => String(over4(r.waitingLists.at(-1)?.summary.total))],
    ...staffRows(results),
    ['Texts sent', (r) => String(r.messages.sms)],
    ['Journeys ended / still running', (r) => `${r.journeys.succeeded + r.journeys.failed} / ${r.journeys.stillRunning}`],
    // A used or expired link, a refused form: none in a sound run; any is a question for the model.
    ['Unexpected answers to simulated people', (r) => unexpectedCell(r.unexpected)],
    ['Wall time (s) and referrals a second', (r) => `${r.wallSeconds.toFixed(0)} (${r.referralsPerSecond.toFixed(1)}/s)`],
    ['Peak memory (MB)', (r) => String(r.peakRssMb)],
  ];
  return table(
    'The variants side by side (the first is the scenario as written)',
    ['', ...results.map((r) => r.name)],
    rows.map(([label, cell]) => [label, ...results.map(cell)]),
  );
}

function staffRows(results: RunResult[]): [string, (r: RunResult) => string][] {
  const teams = [...new Set(results.flatMap((r) => r.staff.map((s) => s.team)))];
  return teams.map((team) => [
    `${team}: people, utilisation`,
    (r) => {
      const s = r.staff.find((t) => t.team === team);
      return s ? `${s.people}, ${s.utilisation === null ? '–' : `${Math.round(s.utilisation * 100)}%`}` : '–';
    },
  ]);
}

function unexpectedCell(unexpected: Record<string, number>): string {
  const entries = Object.entries(unexpected);
  return entries.length ? entries.map(([what, n]) => `${what} (${n})`).join('; ') : 'none';
}

function over4(counts: Record<string, number> | undefined): number {
  return counts ? OVER_4_WEEKS.reduce((n, id) => n + (counts[id] ?? 0), 0) : 0;
}

interface Series {
  name: string;
  points: (number | null)[];
}

/** A line chart in SVG, y from 0, gaps where a week has no value; then the same numbers as a table. */
function chart(id: string, title: string, unit: string, weeks: string[], series: Series[]): string {
  const width = 720;
  const height = 260;
  const pad = { left: 56, right: 16, top: 16, bottom: 40 };
  const values = series.flatMap((s) => s.points.filter((p): p is number => p !== null));
  const top = niceMax(Math.max(1, ...values));
  const x = (i: number) => pad.left + (weeks.length <= 1 ? 0 : (i * (width - pad.left - pad.right)) / (weeks.length - 1));
  const y = (v: number) => height - pad.bottom - (v / top) * (height - pad.top - pad.bottom);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * top);
  const every = Math.max(1, Math.ceil(weeks.length / 8));
  const lines = series
    .map((s, n) =>
      segments(s.points)
        .map(
          (segment) =>
            `<polyline fill="none" ${stroke(n, 2.5)} points="${segment
              .map((i) => `${x(i).toFixed(1)},${y(s.points[i]!).toFixed(1)}`)
              .join(' ')}"/>` +
            (segment.length === 1
              ? `<circle cx="${x(segment[0]!)}" cy="${y(s.points[segment[0]!]!)}" r="3" fill="${COLOURS[n % COLOURS.length]}"/>`
              : ''),
        )
        .join(''),
    )
    .join('');
  const svg = `<svg role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${width} ${height}" width="100%">
<title id="${id}-title">${escape(title)}</title>
<desc id="${id}-desc">${escape(`${title}, week by week, for ${series.map((s) => s.name).join(', ')}.`)}
The numbers are in the table below.</desc>
${ticks.map((t) => `${line(pad.left, width - pad.right, y(t))}${label(pad.left - 6, y(t) + 4, 'end', formatTick(t))}`).join('')}
${weeks.map((w, i) => (i % every ? '' : label(x(i), height - pad.bottom + 16, 'middle', w.slice(5)))).join('')}
<text x="${pad.left}" y="${height - 6}" font-size="12">Week starting (month-day)</text>
<text x="12" y="${pad.top + 4}" font-size="12">${escape(unit)}</text>
${lines}
</svg>`;
  const legend = `<ul class="legend">${series
    .map(
      (s, n) =>
        `<li><svg width="40" height="10" aria-hidden="true"><line x1="0" x2="40" y1="5" y2="5" ${stroke(n, 3)}/></svg>` +
        ` ${escape(s.name)}</li>`,
    )
    .join('')}</ul>`;
  const numbers = table(
    `${title} (${unit})`,
    ['Week starting', ...series.map((s) => s.name)],
    weeks.map((w, i) => [w, ...series.map((s) => num(s.points[i], unit === 'hours' ? 1 : 0))]),
  );
  return `<section><h3>${escape(title)}</h3>${svg}${legend}<details><summary>Show the numbers</summary>${numbers}</details></section>`;
}

const line = (x1: number, x2: number, y: number) => `<line x1="${x1}" x2="${x2}" y1="${y}" y2="${y}" stroke="#d8dde0"/>`;
const label = (x: number, y: number, anchor: string, text: string) =>
  `<text x="${x}" y="${y}" text-anchor="${anchor}" font-size="12">${escape(text)}</text>`;

/** Runs of consecutive indexes with a value: a null week splits the line. */
function segments(points: (number | null)[]): number[][] {
  const out: number[][] = [];
  let run: number[] = [];
  points.forEach((p, i) => {
    if (p === null) {
      if (run.length) out.push(run);
      run = [];
    } else run.push(i);
  });
  if (run.length) out.push(run);
  return out;
}

function niceMax(v: number): number {
  const step = 10 ** Math.floor(Math.log10(v));
  return Math.ceil(v / step) * step;
}

const formatTick = (t: number) => (Number.isInteger(t) ? String(t) : t.toFixed(1));

function table(caption: string, head: string[], rows: string[][]): string {
  const heads = head.map((h) => `<th scope="col">${escape(h)}</th>`).join('');
  return `<table><caption>${escape(caption)}</caption><thead><tr>${heads}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${escape(c)}</th>` : `<td>${escape(c)}</td>`)).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function weekTable(r: RunResult): string {
  const share = (v: number | null) => (v === null ? '–' : `${Math.round(v * 1000) / 10}%`);
  return table(
    `${r.name}: week by week (by the week referrals arrived; waiting list at each week's end)`,
    [
      'Week starting',
      'Received',
      'Triaged in 24 h',
      'Median hours to triage',
      'Routine seen in 4 weeks',
      'Urgent seen in 5 days',
      'Call in target',
      'DNA',
      'Waiting',
      'Over 4 weeks',
    ],
    r.weeks.map((w: WeekRow) => [
      w.weekStarting,
      String(w.received),
      share(w.triagedWithin24Hours),
      num(w.medianHoursToTriage, 1),
      share(w.routineSeenWithin4Weeks),
      share(w.urgentSeenWithin5Days),
      share(w.firstContactWithinTarget),
      share(w.didNotAttendRate),
      String(w.waiting),
      String(w.waitingOver4Weeks),
    ]),
  );
}

function waitingTable(r: RunResult): string {
  const last = r.waitingLists.at(-1);
  if (!last) return '';
  return table(
    `${r.name}: waiting for a first appointment on ${last.weekEnding}, by service and weeks waited`,
    ['Service', ...WAIT_BANDS.map((b) => b.label), 'Total'],
    [...last.summary.services, { service: 'All services', ...last.summary.total }].map((s) => [
      s.service,
      ...WAIT_BANDS.map((b) => String(s[b.id])),
      String(s.total),
    ]),
  );
}

const variantSection = (r: RunResult) =>
  `<h2>${escape(r.name)}</h2><div class="scroll">${weekTable(r)}</div><div class="scroll">${waitingTable(r)}</div>`;

export function renderForecastHtml(run: ForecastRun): string {
  const base = run.results[0];
  const weeks = base?.weeks.map((w) => w.weekStarting) ?? [];
  const series = (pick: (w: WeekRow) => number | null): Series[] =>
    run.results.map((r) => ({
      name: r.name,
      points: weeks.map((week) => {
        const row = r.weeks.find((w) => w.weekStarting === week);
        return row ? pick(row) : null;
      }),
    }));
  const charts = [
    chart(
      'triaged',
      'Triaged within 24 hours',
      '%',
      weeks,
      series((w) => ratio(w.triagedWithin24Hours)),
    ),
    chart(
      'hours',
      'Median hours to triage',
      'hours',
      weeks,
      series((w) => w.medianHoursToTriage),
    ),
    chart(
      'routine',
      'Routine patients seen within 4 weeks',
      '%',
      weeks,
      series((w) => ratio(w.routineSeenWithin4Weeks)),
    ),
    chart(
      'waiting',
      'Waiting for a first appointment at the week’s end',
      'patients',
      weeks,
      series((w) => w.waiting),
    ),
    chart(
      'over4',
      'Waiting over 4 weeks at the week’s end',
      'patients',
      weeks,
      series((w) => w.waitingOver4Weeks),
    ),
  ];
  return `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Capacity forecast: ${escape(run.scenarioName)}</title>
<style>
body { font-family: Frutiger W01, Arial, sans-serif; color: #212b32; background: #f0f4f5; margin: 0;
  font-size: 1.1875rem; line-height: 1.5; }
.skip { position: absolute; left: -9999px; } .skip:focus { left: 1rem; top: 1rem; background: #ffeb3b; padding: .5rem; }
header { background: #005eb8; color: #fff; padding: 1rem 2rem; } header p { margin: 0; font-weight: 600; }
main { max-width: 1100px; margin: 0 auto; padding: 1rem 2rem 3rem; }
h1 { font-size: 2.5rem; line-height: 1.2; } h2 { margin-top: 2.5rem; } section { background: #fff; padding: 1rem 1.5rem; margin: 1.5rem 0; }
table { border-collapse: collapse; width: 100%; font-size: 1rem; margin: 1rem 0; background: #fff; }
caption { text-align: left; font-weight: 600; padding-bottom: .5rem; }
th, td { border-bottom: 1px solid #d8dde0; padding: .4rem .6rem; text-align: left; vertical-align: top; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1.5rem; } .scroll { overflow-x: auto; }
a { color: #005eb8; } a:focus, summary:focus { outline: 4px solid #ffeb3b; box-shadow: 0 4px #212b32; }
</style>
</head>
<body>
<a class="skip" href="#main">Skip to the forecast</a>
<header><p>MSK Pathway: capacity forecast</p></header>
<main id="main">
<h1>${escape(run.scenarioName)}</h1>
<p>${escape(`${run.weeks} weeks from ${base?.period.from ?? ''} to ${base?.period.to ?? ''}, seed ${run.seed}.`)}
Scenario ${escape(run.scenarioFile)}, made ${escape(run.generatedAt)}.</p>
<p>Each referral went through the service's own workflow (the same state machine, functions and
rules as the live service) with simulated staff and patients acting on the scenario's rotas, rates
and delays. The figures are the dashboard's own, for the referrals received in the period, each
journey followed to its end. They are only as good as the scenario's numbers: see the README's list
of what a forecast assumes.</p>
<h2>Comparison</h2>
<div class="scroll">${comparison(run.results)}</div>
<h2>Week by week</h2>
${charts.join('\n')}
${run.results.map(variantSection).join('\n')}
</main>
</body>
</html>
`;
}

export const forecastJson = (run: ForecastRun): string => `${JSON.stringify(run, null, 2)}\n`;

export function writeForecastReport(dir: string, run: ForecastRun): { html: string; json: string } {
  mkdirSync(dir, { recursive: true });
  const html = join(dir, 'forecast.html');
  const json = join(dir, 'forecast.json');
  writeFileSync(html, renderForecastHtml(run));
  writeFileSync(json, forecastJson(run));
  return { html, json };
}
