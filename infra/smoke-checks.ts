/**
 * The checks an operator runs after a deployment (`npm run smoke`): a referring system gets a
 * token, sends a referral, reads its status, and sees the workflow reach the acknowledgement; the
 * staff sign-in page answers; and an alarm, forced to fire, reaches the service lead's topic. The
 * same checks run against the local runtime in the tests, so that they cannot rot. Only ids and
 * statuses are printed: the smoke referral's details are fictional, and stay out of the output.
 */
import { randomUUID } from 'node:crypto';
import { DescribeAlarmHistoryCommand, SetAlarmStateCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
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
  /** How long the workflow may take to reach the acknowledgement. @default 60 */
  readonly waitSeconds?: number;
  /** The alarm to fire and reset (the `SmokeAlarmName` output). @default none: the check is skipped */
  readonly alarm?: string;
}

export interface SmokeDeps {
  /** A CloudWatch client, made only when an alarm is named. */
  readonly cloudwatch?: () => CloudWatchClient;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface CheckResult {
  readonly name: string;
  readonly outcome: 'passed' | 'failed' | 'skipped';
  readonly detail: string;
  readonly ms: number;
}

class CheckFailed extends Error {}
const fail = (reason: string): never => {
  throw new CheckFailed(reason);
};
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The workflow got past its acknowledgement: texted the patient, or (no mobile given) went
 * straight on to open triage. The first text after screening is the acknowledgement.
 */
const ACKNOWLEDGED = { patient_texted: 'acknowledgement texted', task_opened: 'no mobile given: on to triage without a text' } as const;

/** A fictional referral that says what it is, so the triage team returns it. */
function smokeReferral(options: SmokeOptions) {
  return {
    source: 'gp',
    referrer: { odsCode: options.odsCode ?? 'P81001', name: 'Smoke check', email: 'smoke.check@example.nhs.uk' },
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
      summary: 'Smoke test after a deployment, not a patient: please return it to the referrer.',
      durationWeeks: 1,
      painScore: 1,
    },
    redFlags: [],
  };
}

async function json(response: Response): Promise<any> {
  try {
    return await response.json();
  } catch {
    return {};
  }
}

/**
 * Fires the alarm and waits for CloudWatch's own record that its SNS action ran, then resets it.
 * An action CloudWatch could not run (a topic policy refusing it, a key it may not use) fails.
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
  const since = new Date(Date.now() - 1_000);
  await cloudwatch.send(
    new SetAlarmStateCommand({
      AlarmName: alarmName,
      StateValue: 'ALARM',
      StateReason: 'npm run smoke: proving alarms reach the service lead',
    }),
  );
  try {
    for (const deadline = Date.now() + timeoutMs; ; await sleep(pollMs)) {
      const { AlarmHistoryItems = [] } = await cloudwatch.send(
        new DescribeAlarmHistoryCommand({ AlarmName: alarmName, HistoryItemType: 'Action', StartDate: since, MaxRecords: 10 }),
      );
      for (const item of AlarmHistoryItems) {
        const summary = item.HistorySummary ?? '';
        if (/^Successfully executed action/i.test(summary)) return summary;
        if (/^Failed to execute action/i.test(summary)) fail(summary);
      }
      if (Date.now() > deadline) fail(`no action recorded for ${alarmName} within ${timeoutMs / 1000} s`);
    }
  } finally {
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: 'OK', StateReason: 'npm run smoke: reset' }));
  }
}

/** Runs every check in order; a check that needs an earlier one's result is skipped if that failed. */
export async function runSmoke(
  options: SmokeOptions,
  deps: SmokeDeps = {},
  report: (result: CheckResult) => void = () => {},
): Promise<CheckResult[]> {
  const url = options.url.replace(/\/+$/, '');
  const sleep = deps.sleep ?? defaultSleep;
  const results: CheckResult[] = [];
  const state: { token?: string; id?: string } = {};

  const check = async (name: string, run: () => Promise<string>, needs?: keyof typeof state) => {
    const started = Date.now();
    let result: CheckResult;
    if (needs && !state[needs]) result = { name, outcome: 'skipped', detail: 'an earlier check failed', ms: 0 };
    else {
      try {
        result = { name, outcome: 'passed', detail: await run(), ms: Date.now() - started };
      } catch (error) {
        const detail = error instanceof CheckFailed ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
        result = { name, outcome: 'failed', detail, ms: Date.now() - started };
      }
    }
    results.push(result);
    report(result);
  };

  await check('token (client credentials)', async () => {
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
      fail(`${response.status} ${body.error ?? ''} from the token endpoint (client id, secret and scope)`.trim());
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
      if (response.status !== 201 || !body.id) fail(`${response.status} ${body.error ?? ''} ${JSON.stringify(body.issues ?? '')}`.trim());
      state.id = body.id;
      return `201, referral ${body.id}`;
    },
    'token',
  );

  await check(
    'status out',
    async () => {
      const response = await fetch(`${url}/referrals/${state.id}`, { headers: { Authorization: `Bearer ${state.token}` } });
      const body = await json(response);
      if (response.status !== 200 || body.id !== state.id) fail(`${response.status} ${body.error ?? ''}`.trim());
      return `200, ${body.status}`;
    },
    'id',
  );

  await check(
    'acknowledgement reached',
    async () => {
      for (const deadline = Date.now() + (options.waitSeconds ?? 60) * 1000; ; await sleep(1000)) {
        const body = await json(await fetch(`${url}/referrals/${state.id}`, { headers: { Authorization: `Bearer ${state.token}` } }));
        const types: string[] = (body.timeline ?? []).map((e: { type: string }) => e.type);
        // A text that would not go is recorded before the workflow goes on to triage.
        if (types.includes('notification_failed'))
          fail('the acknowledgement text could not be sent: is the mobile verified in the SMS sandbox, and SMS enabled?');
        const done = types.find((t): t is keyof typeof ACKNOWLEDGED => t in ACKNOWLEDGED);
        if (done) return `${ACKNOWLEDGED[done]} (status ${body.status})`;
        if (Date.now() > deadline)
          fail(`not within ${options.waitSeconds ?? 60} s (status ${body.status}): check the state machine's executions`);
      }
    },
    'id',
  );

  await check('staff sign-in page', async () => {
    const response = await fetch(`${url}/staff/sign-in`, { redirect: 'manual' });
    const location = response.headers.get('location') ?? '';
    if (response.status !== 302 || !/\/oauth2\/authorize\?/.test(location)) fail(`${response.status}, Location ${location || 'none'}`);
    return `302 to ${new URL(location).host}`;
  });

  if (!options.alarm || !deps.cloudwatch) {
    const result: CheckResult = {
      name: 'alarm reaches the service lead',
      outcome: 'skipped',
      detail: 'no --alarm named (locally there is no CloudWatch)',
      ms: 0,
    };
    results.push(result);
    report(result);
  } else {
    const cloudwatch = deps.cloudwatch();
    await check('alarm reaches the service lead', () => alarmReachesTopic(cloudwatch, options.alarm!, { sleep }));
  }
  return results;
}
