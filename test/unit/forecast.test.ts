/** The forecast's parts that need no DynamoDB: scenarios, virtual time, rotas and queues, chance. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { Chance, nextOnShift, Team } from '../../local/forecast/people.js';
import { loadScenario, parseScenario, ScenarioError, variantOf } from '../../local/forecast/scenario.js';
import { arrivalTimes } from '../../local/forecast/simulation.js';
import { VirtualTime } from '../../local/virtual-time.js';

const EXAMPLE = fileURLToPath(new URL('../../local/forecast/example.yaml', import.meta.url));
const at = (iso: string) => Date.parse(iso);

const problems = (raw: unknown) => {
  try {
    parseScenario(raw, 'scenario.yaml');
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues;
    throw error;
  }
  return [];
};

describe('scenarios', () => {
  it('reads the example: about 800 referrals a week, a year, with variants that are valid scenarios too', () => {
    const example = loadScenario(EXAMPLE);
    expect(example.referrals.perWeek.gp + example.referrals.perWeek.self).toBe(800);
    expect(example.weeks).toBe(52);
    expect(example.variants.map((v) => v.name)).toEqual(['2 triage clinicians', '4 triage clinicians', 'Winter demand +15%']);
    expect(variantOf(example, example.variants[0]!.changes).staff.triage).toMatchObject({ people: 2, minutesEach: { median: 8, p90: 15 } });
    expect(variantOf(example, example.variants[2]!.changes).referrals).toMatchObject({ demand: 1.15, perWeek: { gp: 640, self: 160 } });
    // A year of the example is about 41,600 referrals.
    const year = arrivalTimes(example, at('2027-01-04T00:00:00Z'), at('2028-01-03T00:00:00Z'));
    expect(year.length).toBeGreaterThan(40_000);
    expect(year.length).toBeLessThan(43_000);
  });

  it('names every field that is wrong, in the file and in a variant', () => {
    const example = loadScenario(EXAMPLE);
    const raw = JSON.parse(JSON.stringify(example));
    raw.staff.triage.people = -1;
    raw.staff.triage.rota[0].start = '9am';
    raw.patients.didNotAttendRate = 1.5;
    raw.referrals.bodySites = { elbow: 0 };
    raw.clinics[0].sessions[0].end = '08:00';
    raw.surprise = true;
    raw.variants = [{ name: 'No one', changes: { staff: { triage: { minutesEach: { median: 10, p90: 5 } } } } }];
    expect(problems(raw).map((p) => p.path)).toEqual(
      expect.arrayContaining([
        'staff.triage.people',
        'staff.triage.rota[0].start',
        'patients.didNotAttendRate',
        'referrals.bodySites',
        'clinics[0].sessions[0].end',
        '',
      ]),
    );
    delete raw.surprise;
    raw.staff.triage.people = 1;
    raw.staff.triage.rota[0].start = '09:00';
    raw.patients.didNotAttendRate = 0.1;
    raw.referrals.bodySites = { elbow: 1 };
    raw.clinics[0].sessions[0].end = '17:00';
    expect(problems(raw)).toEqual([
      { path: 'variants[0].changes.staff.triage.minutesEach.p90', message: 'p90 must be at least the median' },
    ]);
  });

  it("checks the service's settings with its own rules, and that calls have people to make them", () => {
    const raw = JSON.parse(JSON.stringify(loadScenario(EXAMPLE)));
    raw.start = '2027-01-05';
    raw.settings = {
      ...raw.settings,
      TRIAGE_SLA_HOURS: -1,
      FIRST_CONTACT_CALL: 'self,walk-in',
      FIRST_CONTACT_REMINDER_HOURS: 50,
      BOOKING_CHASER_DAYS: '3,x',
      TABLE_NAME: 'elsewhere',
    };
    delete raw.staff.calls;
    expect(problems(raw)).toEqual(
      expect.arrayContaining([
        { path: 'start', message: 'a Monday (the figures count weeks from Monday)' },
        { path: 'settings.TRIAGE_SLA_HOURS', message: expect.stringMatching(/>0/) },
        { path: 'settings.FIRST_CONTACT_CALL', message: '"walk-in" is not one of gp, self' },
        { path: 'settings.BOOKING_CHASER_DAYS', message: 'days as positive numbers, comma-separated: e.g. 3,7' },
        { path: 'settings.FIRST_CONTACT_REMINDER_HOURS', message: 'the reminder must come before FIRST_CONTACT_HOURS' },
        { path: 'settings', message: 'Unrecognized key: "TABLE_NAME"' }, // not a setting: where the run keeps its data
        { path: 'staff.calls', message: 'settings.FIRST_CONTACT_CALL starts referrals with a call: say who makes them' },
      ]),
    );
  });

  it('says when a file cannot be read or parsed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenario-'));
    writeFileSync(join(dir, 'bad.yaml'), 'name: [unclosed');
    writeFileSync(join(dir, 'bad.json'), '{"name":');
    expect(() => loadScenario(join(dir, 'bad.yaml'))).toThrow(/bad\.yaml:\n {2}\(the file\): is not valid YAML/);
    expect(() => loadScenario(join(dir, 'bad.json'))).toThrow(/is not valid JSON/);
    expect(() => loadScenario(join(dir, 'missing.yaml'))).toThrow(/cannot be read \(ENOENT\)/);
  });
});

describe('virtual time', () => {
  it('jumps over idle time, runs each piece of work at its own moment, and waits for work in flight', async () => {
    const time = new VirtualTime(at('2027-01-04T00:00:00Z'));
    const seen: string[] = [];
    time.act(at('2027-03-01T09:00:00Z'), async () => {
      await new Promise((r) => setTimeout(r, 20)); // real time passes; virtual time does not
      seen.push(`a ${time.now().toISOString()}`);
      time.act(time.now().getTime() + 60_000, async () => void seen.push(`c ${time.now().toISOString()}`));
    });
    time.act(at('2027-03-01T09:07:00Z'), async () => void seen.push(`b ${time.now().toISOString()}`));
    const started = performance.now();
    await time.advanceTo(at('2027-12-31T00:00:00Z'), { windowMs: 30 * 60_000 });
    expect(seen).toEqual(['b 2027-03-01T09:07:00.000Z', 'a 2027-03-01T09:00:00.000Z', 'c 2027-03-01T09:01:00.000Z']);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(time.now().toISOString()).toBe('2027-12-31T00:00:00.000Z');
  });

  it('stops the run on the first failure of a simulated action', async () => {
    const time = new VirtualTime(0);
    time.act(10, async () => {
      throw new Error('the service refused');
    });
    await expect(time.advanceTo(100)).rejects.toThrow('the service refused');
  });
});

describe('rotas and queues', () => {
  const weekdays = [{ days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' }];

  it('finds the next rostered moment in UK time, across weekends and the clock change', () => {
    expect(nextOnShift(weekdays, at('2027-01-08T17:30:00Z'))).toEqual({
      from: at('2027-01-11T09:00:00Z'),
      until: at('2027-01-11T17:00:00Z'),
    });
    expect(nextOnShift(weekdays, at('2027-01-05T10:00:00Z')).from).toBe(at('2027-01-05T10:00:00Z'));
    // 09:00 in British Summer Time is 08:00 UTC.
    expect(nextOnShift(weekdays, at('2027-03-29T07:00:00Z')).from).toBe(at('2027-03-29T08:00:00Z'));
  });

  it('gives each item to whoever can start it soonest, oldest first', () => {
    const team = new Team('Triage clinicians', 2, weekdays, at('2027-01-04T00:00:00Z'));
    expect(team.schedule(at('2027-01-04T08:00:00Z'), 60)).toEqual({ doneMs: at('2027-01-04T10:00:00Z'), by: 0 });
    expect(team.schedule(at('2027-01-04T08:30:00Z'), 60)).toEqual({ doneMs: at('2027-01-04T10:00:00Z'), by: 1 });
    expect(team.schedule(at('2027-01-04T09:00:00Z'), 30)).toEqual({ doneMs: at('2027-01-04T10:30:00Z'), by: 0 });
    expect(new Team('Nobody', 0, weekdays, 0).schedule(0, 10)).toBeUndefined();
  });

  it('draws the same numbers from the same seed and stream, and spreads hours around their median', () => {
    const a = new Chance(7, 3);
    const b = new Chance(7, 3);
    const draws = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(draws);
    const c = new Chance(1, 1);
    const hours = Array.from({ length: 4000 }, () => c.hours({ median: 12, p90: 72 })).sort((x, y) => x - y);
    expect(hours[2000]!).toBeGreaterThan(10.5);
    expect(hours[2000]!).toBeLessThan(13.5);
    expect(hours[3600]!).toBeGreaterThan(60);
    expect(hours[3600]!).toBeLessThan(85);
  });

  it('gives neighbouring streams (one per referral) unrelated first draws: no runs of emergencies', () => {
    // Each referral's first draw decides, e.g., whether it is an emergency at 2%. Over 50 blocks of
    // 100 neighbouring referrals, every block should hold about 2 (binomial), not 100 or 0 in turn.
    const firsts = Array.from({ length: 5000 }, (_, i) => new Chance(1, 1000 + i).next());
    const perBlock = Array.from({ length: 50 }, (_, b) => firsts.slice(b * 100, b * 100 + 100).filter((x) => x < 0.02).length);
    expect(Math.max(...perBlock)).toBeLessThanOrEqual(9); // P(Binomial(100, 0.02) > 9) < 1e-4
    expect(perBlock.filter((n) => n === 0).length).toBeLessThan(10); // P(0) = 0.13 a block
    const mean = firsts.reduce((a, b) => a + b, 0) / firsts.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
    // And different seeds give different runs.
    expect(new Chance(2, 1000).next()).not.toBe(firsts[0]);
  });
});
