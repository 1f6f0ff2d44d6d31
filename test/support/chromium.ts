/**
 * Finding a browser for the Chromium tests the way people have one, and installing Debian's
 * `chromium` when the machine can (root with apt), so that `npm ci && npm test` passes on a fresh
 * machine without a separate step. Where neither works the run fails at once with the one command
 * to run: the browser tests are never skipped.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Names on PATH, in the order people are likeliest to have them. */
const COMMANDS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
/** Where macOS keeps the apps (not on PATH). */
const MAC_APPS = ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium'];

export class NoChromiumError extends Error {
  override name = 'NoChromium';
  constructor(message: string) {
    super(message);
    // Vitest prints the stack of a failed global setup; this one line is all there is to say.
    this.stack = message;
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string, path = process.env.PATH ?? ''): string | undefined {
  return path
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, command))
    .find(executable);
}

/** The browser to drive: CHROMIUM_PATH, then the usual commands, then the macOS apps. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string | undefined {
  if (env.CHROMIUM_PATH) {
    if (!executable(env.CHROMIUM_PATH)) throw new NoChromiumError(`CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable browser`);
    return env.CHROMIUM_PATH;
  }
  for (const command of COMMANDS) {
    const found = onPath(command, env.PATH);
    if (found) return found;
  }
  return platform === 'darwin' ? MAC_APPS.find(existsSync) : undefined;
}

/** The one command a person must run when nothing can be found or installed here. */
export function installAdvice(platform = process.platform, hasApt = Boolean(onPath('apt-get'))): string {
  const then = 'then run the tests again (or set CHROMIUM_PATH to a Chrome or Chromium binary)';
  if (platform === 'darwin') return `No Chromium or Chrome found for the browser tests: run "brew install --cask chromium", ${then}.`;
  if (hasApt) return `No Chromium found for the browser tests: run "sudo apt-get update && sudo apt-get install -y chromium", ${then}.`;
  return `No Chromium found for the browser tests: install your system's chromium package (e.g. "sudo dnf install -y chromium"), ${then}.`;
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    const tail = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-5).join(' | ');
    throw new NoChromiumError(`Installing Debian's chromium failed (${command} ${args.join(' ')}: ${tail}). ${installAdvice()}`);
  }
}

/**
 * The browser's path, installing Debian's `chromium` first where the machine allows it (Linux,
 * root, apt-get). Throws NoChromiumError with the command to run otherwise.
 */
export function ensureChromium(log: (line: string) => void = console.log): string {
  const found = findChromium();
  if (found) return found;
  const root = process.getuid?.() === 0;
  if (process.platform === 'linux' && root && onPath('apt-get')) {
    log("No Chromium found: installing Debian's chromium package for the browser tests (once: apt-get install chromium)...");
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'chromium']);
    const installed = findChromium();
    if (installed) {
      log(`Installed ${installed}.`);
      return installed;
    }
  }
  throw new NoChromiumError(installAdvice());
}
