/** `npm run forecast` as a service manager runs it: a progress line, the report, and what is wrong with a scenario. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const forecast = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'local/forecast/main.ts', ...args], { cwd: REPO_ROOT, timeout: 200_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

/** The example, small: a tenth of its referrals, one variant. */
function smallScenario(dir: string): string {
  const example = parseYaml(readFileSync(join(REPO_ROOT, 'local/forecast/example.yaml'), 'utf8'));
  example.referrals.perWeek = { gp: 40, self: 10 };
  example.variants = [{ name: 'One triage clinician', changes: { staff: { triage: { people: 1 } } } }];
  const file = join(dir, 'small.yaml');
  writeFileSync(file, toYaml(example));
  return file;
}

describe('npm run forecast', () => {
  it('prints a progress line and writes the HTML report and the JSON, for the scenario and its variant', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forecast-'));
    const { code, stdout, stderr } = await forecast([smallScenario(dir), '--weeks', '1', '--out', join(dir, 'out')]);
    expect(stderr).not.toMatch(/stopped/);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /\[1\/2\] Example MSK service: 2027-01-0\d \d\d:\d\d simulated, \d+ referrals, \d+ under way, [\d.]+ referrals\/s/,
    );
    expect(stdout).toMatch(/\[2\/2\] One triage clinician: \d+ referrals in \d+ s/);
    const json = JSON.parse(readFileSync(join(dir, 'out', 'forecast.json'), 'utf8'));
    expect(json.results.map((r: { name: string }) => r.name)).toEqual(['Example MSK service', 'One triage clinician']);
    expect(json.results[0].report.overall.referralsReceived.total).toBeGreaterThan(30);
    expect(existsSync(join(dir, 'out', 'forecast.html'))).toBe(true);
    expect(readFileSync(join(dir, 'out', 'forecast.html'), 'utf8')).toContain('One triage clinician');
  }, 240_000);

  it('names every wrong field and runs nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forecast-'));
    const file = join(dir, 'wrong.json');
    writeFileSync(file, JSON.stringify({ name: 'Wrong', start: 'soon', weeks: 0 }));
    const { code, stderr, stdout } = await forecast([file]);
    expect(code).toBe(2);
    expect(stderr).toContain('start: Invalid ISO date');
    expect(stderr).toMatch(/weeks: Too small/);
    expect(stderr).toMatch(/staff: /);
    expect(stdout).toBe('');
    expect((await forecast([file, '--weeks', 'two'])).stderr).toContain('--weeks must be a whole number of weeks');
  });
});
