/**
 * Cold start: every Lambda bundle exactly as `cdk synth` builds it, its size, and the time a fresh
 * Node process takes to import it and serve a first request (median of several runs), next to a
 * bare "hello" bundle built with the same esbuild settings. First requests reach DynamoDB Local and
 * a stand-in for the other AWS APIs, so the SDK clients initialise as they would in Lambda.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { build } from 'esbuild';

import { ensureTable, LOCAL_AWS_ENV, startDynamoDbLocal } from '../local/dynamodb-local.js';
import { REPO_ROOT } from '../local/runtime.js';
import { type FunctionName, lambdaFunctions } from '../shared/functions.js';
import { routes } from '../shared/routes.js';
import { apiEvent } from '../test/support/api-event.js';
import { exampleContextArgs } from '../test/support/cdk-context.js';
import { validReferral } from '../test/support/fixtures.js';

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 5);
/** Inside the repo, so that bundles resolve the AWS SDK from node_modules as Lambda's runtime provides it. */
const OUT = join(REPO_ROOT, '.bench');
const UNKNOWN_REFERRAL = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

export interface ColdStartRow {
  name: string;
  kb: number;
  importMs: number;
  firstRequestMs: number;
  totalMs: number;
}

/** Answers the AWS JSON APIs a first request may call (Secrets Manager, Step Functions) with success. */
async function fakeAws() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = target.startsWith('secretsmanager')
        ? { ARN: 'arn:aws:secretsmanager:eu-west-2:0:secret:k', Name: 'k', SecretString: 'bench-signing-key-0123456789' }
        : { executionArn: 'arn:aws:states:eu-west-2:0:execution:m:x', startDate: Date.now() / 1000 };
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stop: () => server.close() };
}

/** A first request each function could really get: API routes with an unknown id, steps for an unknown referral. */
function firstEvent(name: FunctionName): unknown {
  const route = routes.find((r) => r.function === name);
  if (route) {
    const claims =
      route.auth === 'referrer' ? { client_id: 'bench', scope: 'msk-pathway/referrals.write' } : { 'cognito:username': 'bench' };
    return apiEvent({
      method: route.method,
      resource: route.path,
      path: route.path
        .replace('{id}', UNKNOWN_REFERRAL)
        .replace('{link}', 'AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAA')
        .replace('{clinicId}', 'x')
        .replace('{file}', 'x'),
      pathParameters: {
        id: UNKNOWN_REFERRAL,
        link: 'AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAA',
        clinicId: 'bench-clinic',
        file: 'nhsuk-frontend.min.css',
      },
      claims,
      // The intake's first request is a real referral (DynamoDB transaction and StartExecution).
      body: route.method === 'GET' ? undefined : name === 'createReferral' ? validReferral() : {},
    });
  }
  return { referralId: UNKNOWN_REFERRAL };
}

async function bundles(): Promise<Record<string, string>> {
  const synth = join(OUT, 'synth');
  rmSync(synth, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true' };
  for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL_DYNAMODB']) delete env[key];
  await run('npx', ['cdk', 'synth', '--quiet', '--output', synth, ...exampleContextArgs()], {
    cwd: REPO_ROOT,
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  const template = JSON.parse(readFileSync(join(synth, 'MskPathway.template.json'), 'utf8'));
  const found: Record<string, string> = {};
  for (const resource of Object.values(template.Resources as Record<string, any>)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const name = String(resource.Metadata['aws:cdk:path']).match(/\/Functions\/(\w+)\/Resource$/)?.[1];
    if (name) found[name] = join(synth, resource.Metadata['aws:asset:path'], 'index.mjs');
  }
  // The hello bundle, with the settings of infra/constructs/functions.ts.
  const hello = join(OUT, 'hello', 'index.mjs');
  mkdirSync(join(OUT, 'hello'), { recursive: true });
  writeFileSync(join(OUT, 'hello', 'handler.ts'), "export const handler = async () => ({ statusCode: 200, body: 'hello' });\n");
  await build({
    entryPoints: [join(OUT, 'hello', 'handler.ts')],
    outfile: hello,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    external: ['@aws-sdk/*'],
  });
  return { hello, ...found };
}

const PROBE = `
const started = performance.now();
const module = await import(process.env.BUNDLE_URL);
const imported = performance.now();
const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 20000 };
try { await module.handler(JSON.parse(process.env.FIRST_EVENT), context); } catch {}
const served = performance.now();
process.stdout.write(JSON.stringify({ importMs: imported - started, firstRequestMs: served - imported, totalMs: served }));
`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function benchColdStart(): Promise<ColdStartRow[]> {
  const files = await bundles();
  const dynamodb = await startDynamoDbLocal();
  const aws = await fakeAws();
  try {
    await ensureTable(dynamodb.endpoint, 'bench-cold');
    const rows: ColdStartRow[] = [];
    for (const [name, file] of Object.entries(files)) {
      const env = {
        ...process.env,
        ...LOCAL_AWS_ENV,
        AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
        AWS_ENDPOINT_URL_SFN: aws.url,
        TABLE_NAME: 'bench-cold',
        STATE_MACHINE_ARN: 'arn:aws:states:eu-west-2:000000000000:stateMachine:bench',
        LINK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-2:000000000000:secret:bench',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        POWERTOOLS_METRICS_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        BUNDLE_URL: `file://${file}`,
        FIRST_EVENT: JSON.stringify(name === 'hello' ? {} : firstEvent(name as FunctionName)),
      };
      const samples = [];
      for (let i = 0; i < RUNS; i++) {
        const { stdout } = await run(process.execPath, ['--input-type=module', '-e', PROBE], { env, cwd: REPO_ROOT });
        samples.push(JSON.parse(stdout) as { importMs: number; firstRequestMs: number; totalMs: number });
      }
      rows.push({
        name,
        kb: Math.round(statSync(file).size / 1024),
        importMs: Math.round(median(samples.map((s) => s.importMs))),
        firstRequestMs: Math.round(median(samples.map((s) => s.firstRequestMs))),
        totalMs: Math.round(median(samples.map((s) => s.totalMs))),
      });
    }
    return rows;
  } finally {
    aws.stop();
    await dynamodb.stop();
  }
}

export const functionCount = Object.keys(lambdaFunctions).length;
