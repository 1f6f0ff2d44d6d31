/**
 * The capacity forecast's speed: the example scenario (about 800 referrals a week) through the
 * real workflow in virtual time, every journey followed to its end, with wall time, referrals a
 * second, DynamoDB requests a referral and peak memory. BENCH_FORECAST_WEEKS sets the simulated
 * weeks (default 4); the year's wall time is then that rate over the year's referrals, and says so.
 */
import { startDynamoDbLocal } from '../local/dynamodb-local.js';
import { loadScenario } from '../local/forecast/scenario.js';
import { arrivalTimes } from '../local/forecast/simulation.js';
import { peakRssMb } from './journeys.js';

export interface ForecastBench {
  weeks: number;
  referrals: number;
  wallSeconds: number;
  referralsPerSecond: number;
  dynamodbRequestsPerReferral: number;
  /** The same by command (GetItem, TransactWriteItems…), one decimal place. */
  requestsPerReferralByCommand: Record<string, number>;
  yearReferrals: number;
  /** Measured when weeks is 52; otherwise the rate carried over to the year's referrals. */
  yearMinutes: number;
  yearMeasured: boolean;
  peakNodeMb: number | null;
  peakJavaMb: number | null;
}

export const FORECAST_TARGET_MINUTES = 10;

export async function benchForecast(weeks = Number(process.env.BENCH_FORECAST_WEEKS ?? 4)): Promise<ForecastBench> {
  const scenario = loadScenario(new URL('../local/forecast/example.yaml', import.meta.url).pathname);
  const { runScenario } = await import('../local/forecast/simulation.js');
  const dynamodb = await startDynamoDbLocal();
  try {
    const result = await runScenario(scenario, {
      endpoint: dynamodb.endpoint,
      tableName: 'bench-forecast',
      weeks,
      onProgress: (p) =>
        process.stdout.write(`\r  ${p.simulated.toISOString().slice(0, 10)} ${p.referrals} referrals, ${p.wallSeconds.toFixed(0)} s `),
    });
    process.stdout.write('\n');
    const startMs = Date.parse(`${scenario.start}T00:00:00Z`);
    const yearReferrals = arrivalTimes(scenario, startMs, startMs + 52 * 7 * 86_400_000).length;
    return {
      weeks,
      referrals: result.referrals,
      wallSeconds: Math.round(result.wallSeconds),
      referralsPerSecond: Math.round(result.referralsPerSecond * 10) / 10,
      dynamodbRequestsPerReferral: Math.round(result.dynamodbRequests / result.referrals),
      requestsPerReferralByCommand: Object.fromEntries(
        Object.entries(result.requestsByCommand).map(([command, n]) => [
          command.replace(/Command$/, ''),
          Math.round((n / result.referrals) * 10) / 10,
        ]),
      ),
      yearReferrals,
      yearMinutes: Math.round((weeks >= 52 ? result.wallSeconds : yearReferrals / result.referralsPerSecond) / 6) / 10,
      yearMeasured: weeks >= 52,
      peakNodeMb: peakRssMb(process.pid),
      peakJavaMb: peakRssMb(dynamodb.pid),
    };
  } finally {
    await dynamodb.stop();
  }
}
