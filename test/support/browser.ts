/** A Chromium found (or installed) by the test run's global setup, driven by playwright-core (no downloaded browser). */
import { mkdirSync } from 'node:fs';

import { type Browser, chromium } from 'playwright-core';
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
