/**
 * The resilience figures each suite measured (requests fuzzed, 5xx seen, duplicates, double
 * bookings, referrals lost, cdk-nag findings), written to test-artifacts/figures/ by the suites and
 * printed together at the end of `npm test` by the global teardown.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIGURES_DIR = join(process.cwd(), 'test-artifacts', 'figures');

export interface Figures {
  requestsFuzzed?: number;
  serverErrors?: number;
  duplicatesCreated?: number;
  doubleBookings?: number;
  referralsLost?: number;
  nagFindingsUnacknowledged?: number;
}

const LABELS: [keyof Figures, string][] = [
  ['requestsFuzzed', 'requests fuzzed'],
  ['serverErrors', '5xx seen'],
  ['duplicatesCreated', 'duplicates created'],
  ['doubleBookings', 'double bookings'],
  ['referralsLost', 'referrals lost'],
  ['nagFindingsUnacknowledged', 'cdk-nag findings unacknowledged'],
];

/** Adds a suite's figures (each call adds to what the suite recorded before). */
export function recordFigures(suite: string, figures: Figures): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  const file = join(FIGURES_DIR, `${suite}.json`);
  let previous: Figures = {};
  try {
    previous = JSON.parse(readFileSync(file, 'utf8')) as Figures;
  } catch {
    // first figures of this suite
  }
  const merged: Figures = { ...previous };
  for (const [key, value] of Object.entries(figures) as [keyof Figures, number][]) merged[key] = (merged[key] ?? 0) + value;
  writeFileSync(file, JSON.stringify(merged));
}

export function clearFigures(): void {
  rmSync(FIGURES_DIR, { recursive: true, force: true });
}

/** One line: every figure summed over the suites that measured it ("not measured" when none ran). */
export function summaryLine(): string {
  let files: string[] = [];
  try {
    files = readdirSync(FIGURES_DIR).filter((f) => f.endsWith('.json'));
  } catch {
    // no suite recorded figures (a filtered run)
  }
  const all = files.map((f) => JSON.parse(readFileSync(join(FIGURES_DIR, f), 'utf8')) as Figures);
  const parts = LABELS.map(([key, label]) => {
    const values = all.map((f) => f[key]).filter((v): v is number => v !== undefined);
    return `${label}: ${values.length ? values.reduce((a, b) => a + b, 0) : 'not measured'}`;
  });
  return `resilience summary | ${parts.join(' | ')}`;
}
