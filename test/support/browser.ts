/** A Chromium found (or installed) by the test run's global setup, driven by playwright-core (no downloaded browser). */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

import { type Browser, chromium, type Page } from 'playwright-core';
import { inject } from 'vitest';

import { REPO_ROOT } from '../../local/runtime.js';
import { ensureChromium } from './chromium.js';

export const ARTIFACTS = `${REPO_ROOT}/test-artifacts`;

export async function launchChromium(): Promise<Browser> {
  // Found (or installed) once by the global setup for any run that includes a browser test.
  const executablePath = inject('chromiumPath') || ensureChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
  // Background networking off: this machine has no internet, and Chromium would keep trying.
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

type Violation = { id: string; impact: string; help: string; nodes: { target: string[] }[] };

/** axe-core's WCAG 2.2 A and AA rules on the page as it stands; the violations, described. */
export async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const found = (
    await page.evaluate(
      (tags) =>
        (window as unknown as { axe: { run: (...a: unknown[]) => Promise<{ violations: unknown[] }> } }).axe.run(document, {
          runOnly: { type: 'tag', values: tags },
        }),
      WCAG_22_AA,
    )
  ).violations as Violation[];
  return found.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * A browser context in which axe can run: JavaScript on, and the pages' CSP (which allows no
 * script at all: they have none of their own) set aside for the auditor's one script.
 */
export async function auditContext(browser: Browser, url: string, cookie?: string) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  if (cookie) {
    const [name, value] = cookie.split('=') as [string, string];
    await ctx.addCookies([{ name, value, url }]);
  }
  return ctx;
}
