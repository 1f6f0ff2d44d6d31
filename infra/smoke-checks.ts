/**
 * The checks an operator runs after a deployment (`npm run smoke`, infra/smoke.ts): a referring
 * system gets a token, sends a referral, reads its status, and sees the workflow reach the
 * acknowledgement; the staff sign-in page answers; and an alarm, forced to fire, reaches the service
 * lead's topic. The same checks run against the local runtime in the tests, so that they cannot rot.
 * Only ids, statuses and event types are printed: the smoke referral's details stay out of the output.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

import { type AlarmHistoryItem, CloudWatchClient, DescribeAlarmHistoryCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';

import { REFERRER_SCOPE } from '../shared/routes.js';

export interface SmokeOptions {
  /** The API's base URL (the `ApiUrl` output, or the custom domain). */
  readonly url: string;
  /** The Cognito token endpoint (the `TokenUrl` output). */
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** A mobile verified in the SNS SMS sandbox, to receive the acknowledgement. @default none: no text */
  readonly mobile?: string;
  /** The referring practice's ODS code. @default P81001 */
  readonly odsCode?: string;
  /** The referrer's email on the smoke referral. @default smoke.check@example.nhs.uk */
  readonly referrerEmail?: string;
  /** How long the workflow may take to reach the acknowledgement. @default 60 */
  readonly waitSeconds?: number;
  /** The alarm to fire and reset (the `SmokeAlarmName` output). @default none: the check is skipped */
  readonly alarm?: string;
}

export interface SmokeDeps {
  /** The CloudWatch client, made only when an alarm is named. @default the SDK's default region and credentials */
  readonly cloudwatch?: () => CloudWatchClient;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface CheckResult {
  readonly name: string;
  readonly outcome: 'passed' | 'failed' | 'skipped';
  readonly detail: string;
  readonly ms: number;
}

/** One line per check: `✓ name (detail, ms)`, `✗ name: reason`, or `- name: skipped, why`. */
export function formatResult({ name, outcome, detail, ms }: CheckResult): string {
  if (outcome === 'passed') return `✓ ${name} (${detail}, ${ms} ms)`;
  if (outcome === 'failed') return `✗ ${name}: ${detail}`;
  return `- ${name}: skipped, ${detail}`;
}

class CheckFailed extends Error {}
const fail = (reason: string): never => {
  throw new CheckFailed(reason);
};
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A fictional referral that says what it is, so that the triage team returns it. */
function smokeReferral(options: SmokeOptions) {
  return {
    source: 'gp',
    referrer: { odsCode: options.odsCode ?? 'P81001', name: 'Smoke check', email: options.referrerEmail ?? 'smoke.check@example.nhs.uk' },
    patient: {
      nhsNumber: '9434765919',
      givenName: 'Smoke',
      familyName: 'Check',
      dateOfBirth: '1980-01-01',
      ...(options.mobile ? { mobile: options.mobile } : {}),
      postcode: 'PR7 1AA',
    },
    complaint: {
      bodySite: 'knee',
      summary: 'Smoke test after deployment, not a patient: please return to referrer.',
      durationWeeks: 1,
      painScore: 1,
    },
    redFlags: [],
  };
}

const parseUrl = (location: string, base: string): URL | undefined => {
  try {
    return new URL(location, base);
  } catch {
    return undefined;
  }
};

// Answers of this API and of Cognito, read field by field and checked where they are used.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function json(response: Response): Promise<any> {
  try {
    return await response.json();
  } catch {
    return {};
  }
}

/** What CloudWatch recorded of an action: its summary, or failing that the `actionState` in its data. */
function actionOutcome(item: AlarmHistoryItem): 'succeeded' | 'failed' | undefined {
  const summary = item.HistorySummary ?? '';
  let state: unknown;
  try {
    state = JSON.parse(item.HistoryData ?? '{}').actionState;
  } catch {
    // Not JSON: the summary decides.
  }
  if (/^Successfully executed action/i.test(summary) || state === 'Succeeded') return 'succeeded';
  if (/^Failed to execute action/i.test(summary) || state === 'Failed') return 'failed';
  return undefined;
}

/**
 * Fires the alarm and waits for CloudWatch's own record that its SNS action ran, then resets it.
 * An action CloudWatch could not run (a topic policy refusing it, a key it may not use) fails,
 * named by CloudWatch's summary.
 */
export async function alarmReachesTopic(
  cloudwatch: CloudWatchClient,
  alarmName: string,
  {
    timeoutMs = 60_000,
    pollMs = 3_000,
    sleep = defaultSleep,
  }: { timeoutMs?: number; pollMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<string> {
  // A second's allowance for this machine's clock against CloudWatch's.
  const since = new Date(Date.now() - 1_000);
  await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: 'ALARM', StateReason: 'smoke test' }));
  try {
    for (const deadline = Date.now() + timeoutMs; ; await sleep(pollMs)) {
      const { AlarmHistoryItems = [] } = await cloudwatch.send(
        new DescribeAlarmHistoryCommand({ AlarmName: alarmName, HistoryItemType: 'Action', StartDate: since, MaxRecords: 10 }),
      );
      const failed = AlarmHistoryItems.find((item) => actionOutcome(item) === 'failed');
      if (failed) fail(failed.HistorySummary ?? 'CloudWatch could not execute the alarm action');
      const succeeded = AlarmHistoryItems.find((item) => actionOutcome(item) === 'succeeded');
      if (succeeded) return succeeded.HistorySummary ?? 'action executed';
      if (Date.now() > deadline)
        fail(
          `no action recorded for ${alarmName} within ${Math.round(timeoutMs / 1000)} s (was it already in ALARM? does ` +
            `it have an SNS action? is this machine's clock right?)`,
        );
    }
  } finally {
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: 'OK', StateReason: 'smoke test: reset' }));
  }
}

/** Runs every check in order; a check that needs an earlier one's result is skipped if that failed. */
export async function runSmoke(
  options: SmokeOptions,
  deps: SmokeDeps = {},
  report: (result: CheckResult) => void = () => {},
): Promise<CheckResult[]> {
  const url = options.url.replace(/\/+$/, '');
  const waitSeconds = options.waitSeconds ?? 60;
  const sleep = deps.sleep ?? defaultSleep;
  const results: CheckResult[] = [];
  const state: { token?: string; id?: string } = {};
  const record = (result: CheckResult) => {
    results.push(result);
    report(result);
  };

  const check = async (name: string, run: () => Promise<string>, needs?: keyof typeof state) => {
    if (needs && !state[needs]) return record({ name, outcome: 'skipped', detail: 'an earlier check failed', ms: 0 });
    const started = Date.now();
    try {
      record({ name, outcome: 'passed', detail: await run(), ms: Date.now() - started });
    } catch (error) {
      const detail = error instanceof CheckFailed ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
      record({ name, outcome: 'failed', detail, ms: Date.now() - started });
    }
  };
  const getReferral = async () => {
    const response = await fetch(`${url}/referrals/${state.id}`, { headers: { Authorization: `Bearer ${state.token}` } });
    return { status: response.status, body: await json(response) };
  };

  await check('token', async () => {
    const response = await fetch(options.tokenUrl, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: `${REFERRER_SCOPE.resourceServer}/${REFERRER_SCOPE.scope}` }),
    });
    const body = await json(response);
    if (response.status !== 200 || typeof body.access_token !== 'string')
      fail([response.status, body.error, 'from the token endpoint (check the client id, secret and scope)'].filter(Boolean).join(' '));
    state.token = body.access_token;
    return `${body.token_type ?? 'Bearer'} token, expires in ${body.expires_in ?? '?'} s`;
  });

  await check(
    'referral in',
    async () => {
      const response = await fetch(`${url}/referrals`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${state.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
        body: JSON.stringify(smokeReferral(options)),
      });
      const body = await json(response);
      if (response.status !== 201 || typeof body.id !== 'string') {
        // Field paths and rules only: the API's messages never repeat the values sent.
        const issues = (body.issues ?? []).map((i: { path: string; message: string }) => `${i.path} ${i.message}`).join('; ');
        fail([response.status, body.error, issues].filter(Boolean).join(' '));
      }
      state.id = body.id;
      return `201, referral ${body.id}`;
    },
    'token',
  );

  await check(
    'status out',
    async () => {
      const { status, body } = await getReferral();
      if (status !== 200 || body.id !== state.id) fail(`${status} ${body.error ?? `id ${body.id}`}`);
      return `200, referral ${body.id} ${body.status}`;
    },
    'id',
  );

  // The ASL's CanTextPatient sends a referral with a mobile to AcknowledgePatient (one SMS, recorded
  // as `patient_texted`) and one without straight on to AwaitTriage (`task_opened`), with no event of
  // its own. Either means the workflow ran through the acknowledgement step.
  await check(
    'acknowledgement reached',
    async () => {
      for (const deadline = Date.now() + waitSeconds * 1000; ; await sleep(1000)) {
        const { body } = await getReferral();
        const types = new Set<string>((body.timeline ?? []).map((e: { type: string }) => e.type));
        // A text that would not go is recorded (`notification_failed`) before triage goes ahead.
        if (types.has('notification_failed'))
          fail('the acknowledgement text could not be sent (notification_failed): is the mobile verified in the SMS sandbox?');
        if (body.status === 'workflow_failed') fail('the workflow failed (workflow_failed): see the state machine execution');
        if (types.has('patient_texted')) return `patient_texted: acknowledgement sent, ${body.status}`;
        if (!options.mobile && types.has('task_opened')) return `task_opened: no mobile given, so no text; on to triage, ${body.status}`;
        if (Date.now() > deadline)
          fail(`not within ${waitSeconds} s (${body.status}, last event ${body.timeline?.at(-1)?.type}): see the state machine execution`);
      }
    },
    'id',
  );

  await check('staff sign-in page answering', async () => {
    const response = await fetch(`${url}/staff/sign-in`, { redirect: 'manual' });
    const location = response.headers.get('location');
    const target = location ? parseUrl(location, url) : undefined;
    const where = target ? `${target.origin}${target.pathname}` : 'none';
    // Cognito's hosted UI (locally its stand-in, /local/oauth2/authorize), asked for this client.
    const signIn = target?.pathname.endsWith('/oauth2/authorize') && target.searchParams.has('client_id');
    if ((response.status !== 302 && response.status !== 303) || !signIn) fail(`${response.status}, Location ${where}`);
    return `${response.status} to ${where}`;
  });

  const alarmCheck = "alarm reaches the service lead's topic";
  if (!options.alarm) record({ name: alarmCheck, outcome: 'skipped', detail: 'no --alarm named (locally there is no CloudWatch)', ms: 0 });
  else {
    const cloudwatch = deps.cloudwatch?.() ?? new CloudWatchClient({});
    await check(alarmCheck, () => alarmReachesTopic(cloudwatch, options.alarm!, { sleep }));
  }
  return results;
}

export const USAGE = `Usage: npm run smoke -- --url <ApiUrl> --token-url <TokenUrl> --client-id <client id> [options]

  --url             the API's base URL (stack output ApiUrl, or your custom domain)
  --token-url       the token endpoint (stack output TokenUrl)
  --client-id       a referring system's client id (stack output ReferrerClientId<Name>)
  --client-secret   its secret (or set SMOKE_CLIENT_SECRET, which keeps it out of shell history)
  --mobile          a mobile verified in the SMS sandbox, to receive the acknowledgement text
                    (default none: the workflow goes on to triage without a text)
  --ods             the referring practice's ODS code (default P81001)
  --referrer-email  the referrer's email on the smoke referral (default smoke.check@example.nhs.uk)
  --wait-seconds    how long the workflow may take to reach the acknowledgement (default 60)
  --alarm           an alarm to fire and reset (stack output SmokeAlarmName); needs AWS credentials
                    allowed cloudwatch:SetAlarmState and cloudwatch:DescribeAlarmHistory on it
  --region          the alarm's region (default: the AWS SDK's, e.g. AWS_REGION)
  -h, --help        this text

Prints one line per check and exits 1 if any failed.

Locally (npm start): --url http://localhost:3000 --token-url http://localhost:3000/local/oauth2/token
  --client-id local-referrer --client-secret local-referrer-secret`;

/** The command line: parses `args`, runs the checks, prints a line each; answers the exit code. */
export async function smokeCli(
  args: string[],
  { env = process.env, print = console.log, deps = {} }: { env?: NodeJS.ProcessEnv; print?: (line: string) => void; deps?: SmokeDeps } = {},
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        url: { type: 'string' },
        'token-url': { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        mobile: { type: 'string' },
        ods: { type: 'string' },
        'referrer-email': { type: 'string' },
        'wait-seconds': { type: 'string' },
        alarm: { type: 'string' },
        region: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    print(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    print(USAGE);
    return 0;
  }
  const clientSecret = values['client-secret'] ?? env.SMOKE_CLIENT_SECRET;
  const missing = [
    ...(['url', 'token-url', 'client-id'] as const).filter((name) => !values[name]).map((name) => `--${name}`),
    ...(clientSecret ? [] : ['--client-secret (or SMOKE_CLIENT_SECRET)']),
  ];
  const waitSeconds = values['wait-seconds'] === undefined ? undefined : Number(values['wait-seconds']);
  if (missing.length || (waitSeconds !== undefined && !(waitSeconds > 0))) {
    print(`${missing.length ? `Missing ${missing.join(', ')}` : '--wait-seconds must be a number of seconds above 0'}\n\n${USAGE}`);
    return 2;
  }

  const region = values.region;
  const results = await runSmoke(
    {
      url: values.url!,
      tokenUrl: values['token-url']!,
      clientId: values['client-id']!,
      clientSecret: clientSecret!,
      mobile: values.mobile,
      odsCode: values.ods,
      referrerEmail: values['referrer-email'],
      waitSeconds,
      alarm: values.alarm,
    },
    { cloudwatch: () => new CloudWatchClient(region ? { region } : {}), ...deps },
    (result) => print(formatResult(result)),
  );
  const failed = results.filter((r) => r.outcome === 'failed').length;
  print(failed ? `smoke: ${failed} check(s) failed` : 'smoke: all checks passed');
  return failed ? 1 : 0;
}
