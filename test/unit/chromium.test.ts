/** Finding a browser for the Chromium tests the way people have one (test/support/chromium.ts). */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { findChromium, installAdvice, NoChromiumError } from '../support/chromium.js';

function fakeBrowser(dir: string, name: string): string {
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}

describe('findChromium', () => {
  it('takes CHROMIUM_PATH first, and refuses one that is not an executable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'browsers-'));
    const chosen = fakeBrowser(dir, 'my-chrome');
    fakeBrowser(dir, 'chromium');
    expect(findChromium({ CHROMIUM_PATH: chosen, PATH: dir }, 'linux')).toBe(chosen);
    expect(() => findChromium({ CHROMIUM_PATH: join(dir, 'missing'), PATH: dir }, 'linux')).toThrow(NoChromiumError);
  });

  it('finds chromium, chromium-browser or google-chrome on PATH, in that order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'browsers-'));
    const other = mkdtempSync(join(tmpdir(), 'browsers-'));
    const chrome = fakeBrowser(other, 'google-chrome');
    expect(findChromium({ PATH: `${dir}:${other}` }, 'linux')).toBe(chrome);
    const ubuntu = fakeBrowser(dir, 'chromium-browser');
    expect(findChromium({ PATH: `${dir}:${other}` }, 'linux')).toBe(ubuntu);
    const debian = fakeBrowser(other, 'chromium');
    expect(findChromium({ PATH: `${dir}:${other}` }, 'linux')).toBe(debian);
  });

  it('finds nothing where there is nothing', () => {
    expect(findChromium({ PATH: mkdtempSync(join(tmpdir(), 'empty-')) }, 'linux')).toBeUndefined();
  });
});

describe('installAdvice', () => {
  it('names exactly the command to run on each kind of machine, on one line', () => {
    expect(installAdvice('linux', true)).toContain('"sudo apt-get update && sudo apt-get install -y chromium"');
    expect(installAdvice('darwin', false)).toContain('"brew install --cask chromium"');
    expect(installAdvice('linux', false)).toContain('chromium package');
    for (const advice of [installAdvice('linux', true), installAdvice('darwin', false)]) {
      expect(advice).not.toContain('\n');
      expect(advice).toContain('CHROMIUM_PATH');
    }
  });
});
