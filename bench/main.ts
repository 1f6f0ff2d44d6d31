/**
 * `npm run bench`: prints intake latency against the floor, cold starts per bundle, work and cost
 * per referral by path, and a scale run. Sections can be picked: `npm run bench -- intake paths`.
 * Figures only; nothing here is a test. BENCHMARKS.md keeps the results with the machine.
 */
import { cpus, totalmem } from 'node:os';

import { benchColdStart } from './cold-start.js';
import { benchForecast, FORECAST_TARGET_MINUTES } from './forecast.js';
import { benchIntake } from './intake.js';
import { benchPaths, benchScale } from './journeys.js';
import { costPerThousand, LAMBDA_ASSUMED, PRICES, PRICES_DATE, PRICES_REGION } from './prices.js';
import { benchWorkspace } from './workspace.js';

import '../local/polyfills.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const SECTIONS = ['intake', 'cold', 'paths', 'scale', 'workspace', 'forecast'] as const;
const asked = process.argv.slice(2).filter((a) => (SECTIONS as readonly string[]).includes(a));
const wanted = new Set(asked.length ? asked : SECTIONS);

const table = (head: string[], rows: (string | number)[][]) => {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: (string | number)[]) => `| ${cells.map((c, i) => String(c).padEnd(widths[i]!)).join(' | ')} |`;
  console.log([line(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n'));
};

console.log(`# MSK Pathway benchmarks, ${new Date().toISOString()}`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}\n`);

if (wanted.has('intake')) {
  console.log('## Intake: POST /referrals vs the floor (DynamoDB Local PutItem + local StartExecution)\n');
  const rows = await benchIntake();
  const ratio = (a: number, b: number) => (b ? (a / b).toFixed(1) : '–');
  table(
    ['clients', 'what', 'p50 ms', 'p99 ms', 'req/s', 'p50 / floor'],
    rows.flatMap((r) => [
      [r.clients, 'floor: PutItem + StartExecution', r.floor.p50, r.floor.p99, r.floor.rps, '1.0'],
      [
        r.clients,
        'intake handler, trivial execution',
        r.intakeAlone.p50,
        r.intakeAlone.p99,
        r.intakeAlone.rps,
        ratio(r.intakeAlone.p50, r.floor.p50),
      ],
      [r.clients, 'intake, whole local service', r.intake.p50, r.intake.p99, r.intake.rps, ratio(r.intake.p50, r.floor.p50)],
    ]),
  );
  const failures = rows.reduce((n, r) => n + r.intake.non2xx + r.intakeAlone.non2xx + r.floor.non2xx, 0);
  console.log(`\nnon-2xx answers: ${failures}\n`);
}

if (wanted.has('cold')) {
  console.log('## Cold start: import and first request in a fresh Node process (median)\n');
  const rows = await benchColdStart();
  table(
    ['bundle', 'KB', 'import ms', 'first request ms', 'process start to answer ms'],
    rows.map((r) => [r.name, r.kb, r.importMs, r.firstRequestMs, r.totalMs]),
  );
  const over = rows.filter((r) => r.name !== 'hello' && r.kb > 250);
  console.log(`\nbundles over 250 KB: ${over.length} of ${rows.length - 1}\n`);
}

if (wanted.has('paths')) {
  console.log('## Work per referral, counted from local executions\n');
  const rows = await benchPaths();
  table(
    [
      'path',
      'ended in',
      'transitions',
      'Lambda',
      'API',
      'RRU',
      'WRU',
      'SMS (fragments)',
      'staff emails',
      'referrer emails',
      '$/1000 infra',
      '$/1000 SMS',
    ],
    rows.map((r) => {
      const cost = costPerThousand(r);
      return [
        r.path,
        r.endedIn,
        r.transitions,
        r.lambdaInvocations,
        r.apiRequests,
        r.readUnits,
        r.writeUnits,
        `${r.sms} (${r.smsFragments})`,
        r.staffEmails,
        r.referrerEmails,
        cost.infrastructure.toFixed(3),
        cost.sms.toFixed(2),
      ];
    }),
  );
  console.log(
    `\nprices: ${PRICES_REGION} list prices recorded ${PRICES_DATE} (bench/prices.ts); Lambda billed as ` +
      `${LAMBDA_ASSUMED.memoryGb * 1024} MB × ${LAMBDA_ASSUMED.seconds * 1000} ms per invocation; API includes WAF.`,
  );
  for (const price of Object.values(PRICES)) console.log(`  ${price.per}: $${price.usd.toPrecision(3)} (${price.source})`);
  console.log('');
}

if (wanted.has('scale')) {
  console.log('## Scale: referrals through the whole journey (accept, book, remind, attend), 50 at a time, clock 12 h/s\n');
  const result = await benchScale();
  table(
    ['referrals', 'completed', 'wall s', 'peak Node RSS MB', 'peak DynamoDB Local (Java) RSS MB'],
    [[result.referrals, result.completed, result.wallSeconds, result.peakNodeMb, result.peakJavaMb ?? '–']],
  );
}
if (wanted.has('workspace')) {
  console.log('## Staff workspace: 500 referrals waiting for triage, pages over HTTP (a warm handler)\n');
  const rows = await benchWorkspace();
  table(
    ['page', 'ms', 'DynamoDB requests', 'read units', 'rows shown'],
    rows.map((r) => [r.what, r.ms, r.requests, r.readUnits, r.rows]),
  );
  console.log();
}
if (wanted.has('forecast')) {
  console.log('## Capacity forecast: the example scenario (about 800 referrals a week) in virtual time, every journey to its end\n');
  const r = await benchForecast();
  table(
    [
      'weeks',
      'referrals',
      'wall s',
      'referrals/s',
      'DynamoDB requests / referral',
      'year (referrals)',
      'year wall min',
      'target min',
      'peak Node RSS MB',
      'peak Java RSS MB',
    ],
    [
      [
        r.weeks,
        r.referrals,
        r.wallSeconds,
        r.referralsPerSecond,
        r.dynamodbRequestsPerReferral,
        r.yearReferrals,
        `${r.yearMinutes}${r.yearMeasured ? '' : ' (at this rate)'}`,
        FORECAST_TARGET_MINUTES,
        r.peakNodeMb ?? '–',
        r.peakJavaMb ?? '–',
      ],
    ],
  );
  console.log(
    `\n${r.yearMinutes <= FORECAST_TARGET_MINUTES ? 'within' : 'over'} the ${FORECAST_TARGET_MINUTES}-minute target for a year\n`,
  );
  const byCommand = Object.entries(r.requestsPerReferralByCommand).sort((a, b) => b[1] - a[1]);
  console.log(`DynamoDB requests a referral by command: ${byCommand.map(([c, n]) => `${c} ${n}`).join(', ')}\n`);
}
process.exit(0);
