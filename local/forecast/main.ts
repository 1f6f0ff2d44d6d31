/**
 * `npm run forecast -- [scenario.yaml|json] [--weeks N] [--seed N] [--out DIR] [--no-variants]`:
 * a scenario, and each of its variants, through the real workflow in virtual time, with a progress
 * line, then the figures as an HTML report with charts and as JSON. See the README's forecast section.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const EXAMPLE_SCENARIO = fileURLToPath(new URL('example.yaml', import.meta.url));

// Silence the functions' own logs and metrics before any of them loads (everything else is
// imported below, after this): a simulated year would print millions of lines.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      weeks: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string', default: 'forecast-report' },
      'no-variants': { type: 'boolean', default: false },
    },
  });
  const file = resolve(positionals[0] ?? EXAMPLE_SCENARIO);
  const weeks = values.weeks === undefined ? undefined : Number(values.weeks);
  if (weeks !== undefined && !(Number.isInteger(weeks) && weeks >= 1)) return fail('--weeks must be a whole number of weeks, 1 or more');
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) return fail('--seed must be a whole number');

  const { loadScenario, ScenarioError, variantOf } = await import('./scenario.js');
  const { startDynamoDbLocal } = await import('../dynamodb-local.js');
  let scenario;
  try {
    scenario = loadScenario(file);
  } catch (error) {
    if (error instanceof ScenarioError) return fail(`The scenario has problems: ${error.message}`);
    throw error;
  }
  if (seed !== undefined) scenario = { ...scenario, seed };
  const runs = [
    { name: scenario.name, scenario },
    ...(values['no-variants']
      ? []
      : scenario.variants.map((v) => ({ name: v.name, scenario: { ...variantOf(scenario, v.changes), seed: scenario.seed } }))),
  ];

  const { runScenario } = await import('./simulation.js');
  const { writeForecastReport } = await import('./report.js');
  // Ctrl-C (or a CI timeout's SIGTERM) stops Java too, rather than leaving it running on its port;
  // one that comes while Java is starting stops it as soon as it has started.
  const java: { stop?: () => Promise<void> } = {};
  let signalled: number | undefined;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)
    process.once(signal, () => {
      signalled = code;
      progress(`\nStopped (${signal}): no report written.\n`);
      if (java.stop) void java.stop().finally(() => process.exit(code));
    });
  const dynamodb = await startDynamoDbLocal();
  java.stop = () => dynamodb.stop();
  if (signalled !== undefined) {
    await dynamodb.stop();
    return signalled;
  }
  const results = [];
  try {
    for (const [i, run] of runs.entries()) {
      const label = runs.length > 1 ? `[${i + 1}/${runs.length}] ${run.name}` : run.name;
      const result = await runScenario(run.scenario, {
        endpoint: dynamodb.endpoint,
        tableName: `forecast-${i + 1}`,
        weeks,
        onProgress: (p) => {
          const simulated = p.simulated.toISOString().slice(0, 16).replace('T', ' ');
          const rate = (p.referrals / Math.max(p.wallSeconds, 0.001)).toFixed(1);
          progress(
            `${label}: ${simulated} simulated, ${p.referrals} referrals, ${p.running} under way, ` +
              `${rate} referrals/s, ${p.wallSeconds.toFixed(0)} s`,
          );
        },
      });
      results.push({ ...result, name: run.name });
      const rate = result.referralsPerSecond.toFixed(1);
      progress(`${label}: ${result.referrals} referrals in ${result.wallSeconds.toFixed(0)} s (${rate}/s), peak ${result.peakRssMb} MB\n`);
    }
  } finally {
    await dynamodb.stop();
  }
  const written = writeForecastReport(resolve(values.out), {
    scenarioName: scenario.name,
    scenarioFile: file,
    seed: scenario.seed,
    weeks: Math.min(weeks ?? scenario.weeks, scenario.weeks),
    generatedAt: new Date().toISOString(),
    results,
  });
  console.log(`Report: ${written.html}\nFigures as JSON: ${written.json}`);
  return 0;
}

/** One line, rewritten in place on a terminal; a line each otherwise (CI logs, pipes). */
function progress(line: string): void {
  if (process.stdout.isTTY) process.stdout.write(`\r\x1b[K${line.replace(/\n$/, '')}${line.endsWith('\n') ? '\n' : ''}`);
  else process.stdout.write(line.endsWith('\n') ? line : `${line}\n`);
}

function fail(message: string): number {
  console.error(message);
  return 2;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`The forecast stopped: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
