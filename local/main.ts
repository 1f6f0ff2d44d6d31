/** `npm start`: the whole service on this machine. Ctrl-C stops it and DynamoDB Local with it. */
import { join } from 'node:path';

import { Faults, type FaultTarget } from './faults.js';
import { DEFAULT_REFERRER_TOKEN, DEFAULT_STAFF_TOKEN, REPO_ROOT, startLocalRuntime } from './runtime.js';
import { LOCAL_REFERRER_CLIENT_ID } from './server.js';
import { DEFAULT_REFERRER_CLIENT_SECRET } from './sign-in.js';

// The locked SDK runs on Node 20 here; its notice that future SDK releases need Node 22 (as
// Lambda has) is for whoever upgrades the lock file, not for every local start.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const port = Number(process.env.PORT ?? 3000);
const dataDir = process.env.LOCAL_DATA_DIR ?? join(REPO_ROOT, '.local', 'data');
const referrerToken = process.env.REFERRER_TOKEN ?? DEFAULT_REFERRER_TOKEN;
const staffToken = process.env.STAFF_TOKEN ?? DEFAULT_STAFF_TOKEN;
const referrerClientSecret = process.env.REFERRER_CLIENT_SECRET ?? DEFAULT_REFERRER_CLIENT_SECRET;
const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
const smsOptedOut = list(process.env.LOCAL_SMS_OPTED_OUT);
// e.g. LOCAL_FAULTS=sms,dynamodb-throttle: see what the service does when AWS fails (local/faults.ts).
const faultTargets = list(process.env.LOCAL_FAULTS) as FaultTarget[];
const faults = faultTargets.length ? faultTargets.reduce((f, target) => f.inject(target), new Faults()) : undefined;
// Status sent back: the local referring system's callback, both or neither.
const callbackUrl = process.env.REFERRER_CALLBACK_URL;
const callbackSecret = process.env.REFERRER_CALLBACK_SECRET;
if (!callbackUrl !== !callbackSecret) throw new Error('set REFERRER_CALLBACK_URL and REFERRER_CALLBACK_SECRET together (or neither)');
const referrerCallback = callbackUrl && callbackSecret ? { url: callbackUrl, secret: callbackSecret } : undefined;
const speedup = Number(process.env.CLOCK_SPEEDUP ?? 1);
if (!(speedup >= 1)) throw new Error(`CLOCK_SPEEDUP must be a number >= 1, got ${process.env.CLOCK_SPEEDUP}`);

const runtime = await startLocalRuntime({
  port,
  dataDir,
  referrerToken,
  referrerClientSecret,
  staffToken,
  speedup,
  seed: true,
  smsOptedOut,
  faults,
  referrerCallback,
  // DynamoDB Local died and would not come back: the runtime has said why and stopped; so does npm start.
  onFatal: () => process.exit(1),
});
console.log(`MSK Pathway is running at ${runtime.url}`);
console.log(`  data kept in ${dataDir} (delete it for a fresh service)`);
/** A secret as the console shows it: the local default and how to change it, or where it came from. */
const shown = (value: string, fallback: string, variable: string, isDefault = 'the local default; ') =>
  value === fallback ? `${value} (${isDefault}set ${variable} to change it)` : `(from ${variable})`;
console.log(`  referrer token: ${shown(referrerToken, DEFAULT_REFERRER_TOKEN, 'REFERRER_TOKEN')}`);
console.log(`  staff token: ${shown(staffToken, DEFAULT_STAFF_TOKEN, 'STAFF_TOKEN')}`);
console.log(
  `  token endpoint (client credentials): ${runtime.url}/local/oauth2/token, client ${LOCAL_REFERRER_CLIENT_ID}, ` +
    `secret ${shown(referrerClientSecret, DEFAULT_REFERRER_CLIENT_SECRET, 'REFERRER_CLIENT_SECRET', '')}`,
);
console.log(`  outbox: ${runtime.url}/local/outbox`);
if (referrerCallback) console.log(`  status sent back to ${referrerCallback.url} (signed with REFERRER_CALLBACK_SECRET)`);
if (faults) console.log(`  faults injected: ${faultTargets.join(', ')} (every attempt fails)`);
if (speedup > 1) console.log(`  clock: ${speedup} times faster than real time (24 hours pass in ${Math.round(86_400 / speedup)} s)`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping...`);
  await runtime.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
