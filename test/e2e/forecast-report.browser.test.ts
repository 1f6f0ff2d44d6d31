/**
 * The forecast's report in Chromium: a real (small) forecast's page, checked with axe-core's WCAG 2.2
 * A and AA rules, its charts described and their numbers in tables, and no sideways scrolling of the
 * page at 320 CSS pixels (the wide tables scroll in their own box).
 */
import { randomUUID } from 'node:crypto';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { renderForecastHtml } from '../../local/forecast/report.js';
import { parseScenario } from '../../local/forecast/scenario.js';
import { runScenario } from '../../local/forecast/simulation.js';
import { launchChromium, violations } from '../support/browser.js';

let browser: Browser;
let html: string;

beforeAll(async () => {
  const scenario = parseScenario({
    name: 'Small <service> & friends',
    start: '2027-01-04',
    weeks: 2,
    referrals: { perWeek: { gp: 30, self: 5 }, urgentRate: 0.1, emergencyRate: 0.02, bodySites: { knee: 2, 'lower-back': 3 } },
    staff: { triage: { people: 1, minutesEach: { median: 20, p90: 40 }, rota: [{ days: [1, 2, 3, 4, 5], start: '09:00', end: '13:00' }] } },
    triage: { decisions: { accept: 3, 'self-management': 1 } },
    patients: { bookAfterHours: { median: 6, p90: 30 }, neverBookRate: 0.05, didNotAttendRate: 0.1, cancelRate: 0.05 },
    appointments: { outcomes: { 'attended-discharged': 2, 'attended-follow-up': 1 } },
    clinics: [
      {
        id: 'test-clinic',
        name: 'Test Clinic',
        address: '1 High Street, Preston',
        postcode: 'PR1 1AA',
        sessions: ['physiotherapy', 'spinal', 'orthopaedic-triage', 'pain-management'].map((service, i) => ({
          service,
          clinicianType: 'physiotherapist',
          days: [1, 2, 3, 4, 5],
          start: `0${9 + i}:00`.slice(-5),
          end: `${13 + i}:00`,
          slotMinutes: 45,
        })),
      },
    ],
  });
  const run = (name: string, people: number) =>
    runScenario(
      { ...scenario, name, staff: { ...scenario.staff, triage: { ...scenario.staff.triage, people } } },
      { endpoint: inject('dynamodbEndpoint'), tableName: `forecast-${randomUUID()}`, runOnWeeks: 4 },
    );
  const results = [await run(scenario.name, 1), await run('Two triage clinicians', 2)];
  html = renderForecastHtml({
    scenarioName: scenario.name,
    scenarioFile: 'small.yaml',
    seed: 1,
    weeks: 2,
    generatedAt: '2027-01-18T00:00:00Z',
    results,
  });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
});

describe('the forecast report', () => {
  it('meets WCAG 2.2 AA with its charts described and their numbers in tables, and reflows at 320 px', async () => {
    const wide = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: true });
    const page = await wide.newPage();
    await page.setContent(html);
    expect(await violations(page)).toEqual([]);
    expect(await page.title()).toBe('Capacity forecast: Small <service> & friends');
    const charts = page.locator('svg[role="img"]');
    expect(await charts.count()).toBe(5);
    for (const chart of await charts.all()) {
      const [title, desc] = ((await chart.getAttribute('aria-labelledby')) ?? '').split(' ');
      expect(await page.locator(`#${title}`).textContent()).toBeTruthy();
      expect(await page.locator(`#${desc}`).textContent()).toContain('The numbers are in the table below');
    }
    // Every chart's numbers, one row a week, a column a variant.
    const numbers = page.locator('details table');
    expect(await numbers.count()).toBe(5);
    expect(await numbers.first().locator('thead th').allTextContents()).toEqual([
      'Week starting',
      'Small <service> & friends',
      'Two triage clinicians',
    ]);
    expect(await numbers.first().locator('tbody tr').count()).toBe(2);
    await wide.close();

    const narrow = await browser.newContext({ viewport: { width: 320, height: 640 }, javaScriptEnabled: false });
    const small = await narrow.newPage();
    await small.setContent(html);
    const widths = await small.evaluate(() => ({ page: document.scrollingElement!.scrollWidth, view: window.innerWidth }));
    expect(widths.page).toBeLessThanOrEqual(widths.view);
    await narrow.close();
  });
});
