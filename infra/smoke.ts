/**
 * `npm run smoke -- --url <ApiUrl> --token-url <TokenUrl> --client-id <id> [--alarm <SmokeAlarmName>]`:
 * the checks to run after a deployment (infra/smoke-checks.ts). Exits 1 if any check fails.
 */
import { parseArgs } from 'node:util';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { runSmoke, type CheckResult } from './smoke-checks.js';

const USAGE = `Usage: npm run smoke -- --url <ApiUrl> --token-url <TokenUrl> --client-id <client id> [options]

  --url            the API's base URL (stack output ApiUrl, or your custom domain)
  --token-url      the token endpoint (stack output TokenUrl)
  --client-id      a referring system's client id (stack output ReferrerClientId<Name>)
  --client-secret  its secret (or set SMOKE_CLIENT_SECRET, which keeps it out of shell history)
  --mobile         a mobile verified in the SMS sandbox, to receive the acknowledgement text
  --ods            the referring practice's ODS code (default P81001)
  --wait-seconds   how long the workflow may take to acknowledge (default 60)
  --alarm          an alarm to fire and reset (stack output SmokeAlarmName); needs AWS credentials
                   with cloudwatch:SetAlarmState and cloudwatch:DescribeAlarmHistory
  --region         the alarm's region (default: the AWS CLI's, e.g. AWS_REGION)

Locally (npm start): --url http://localhost:3000 --token-url http://localhost:3000/local/oauth2/token
  --client-id local-referrer --client-secret local-referrer-secret`;

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    'token-url': { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    mobile: { type: 'string' },
    ods: { type: 'string' },
    'wait-seconds': { type: 'string' },
    alarm: { type: 'string' },
    region: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
const clientSecret = values['client-secret'] ?? process.env.SMOKE_CLIENT_SECRET;
if (values.help || !values.url || !values['token-url'] || !values['client-id'] || !clientSecret) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}

const mark = { passed: '✓', failed: '✗', skipped: '-' } as const;
const print = (r: CheckResult) => console.log(`${mark[r.outcome]} ${r.name}: ${r.detail}${r.outcome === 'skipped' ? '' : ` (${r.ms} ms)`}`);
const results = await runSmoke(
  {
    url: values.url,
    tokenUrl: values['token-url'],
    clientId: values['client-id'],
    clientSecret,
    mobile: values.mobile,
    odsCode: values.ods,
    waitSeconds: values['wait-seconds'] ? Number(values['wait-seconds']) : undefined,
    alarm: values.alarm,
  },
  { cloudwatch: () => new CloudWatchClient(values.region ? { region: values.region } : {}) },
  print,
);
const failed = results.filter((r) => r.outcome === 'failed').length;
console.log(failed ? `smoke: ${failed} check(s) failed` : 'smoke: all checks passed');
process.exit(failed ? 1 : 0);
