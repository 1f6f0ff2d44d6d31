/**
 * Intake latency and throughput: POST /referrals on the local runtime against the floor, a bare
 * server that does one DynamoDB Local PutItem and starts a one-state local execution, both over
 * HTTP, measured by autocannon at 1, 10 and 50 concurrent clients.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import autocannon from 'autocannon';
import { StateMachine } from 'aws-local-stepfunctions';
import { ulid } from 'ulid';

import { LOCAL_AWS_ENV } from '../local/dynamodb-local.js';
import { type LocalRuntime, startLocalRuntime } from '../local/runtime.js';
import { installAdapters, type Workflow } from '../shared/ports/index.js';
import { validReferral } from '../test/support/fixtures.js';

type Load = { p50: number; p99: number; rps: number; non2xx: number };

export interface IntakeRow {
  clients: number;
  /** The whole local service: the referral's workflow runs in this process as it is accepted. */
  intake: Load;
  /** The same handler, with StartExecution starting the floor's one-state machine instead. */
  intakeAlone: Load;
  floor: Load;
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

async function load(url: string, clients: number, headers: Record<string, string>) {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: clients,
    duration: SECONDS,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(validReferral()),
  });
  return { p50: result.latency.p50, p99: result.latency.p99, rps: Math.round(result.requests.average), non2xx: result.non2xx };
}

/** The floor: what any intake must do at least, with nothing else. */
async function startFloor(dynamodbEndpoint: string, tableName: string) {
  const dynamodb = new DynamoDBClient({
    endpoint: dynamodbEndpoint,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const machine = new StateMachine({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } } as never);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const id = ulid();
      await dynamodb.send(
        new PutItemCommand({
          TableName: tableName,
          Item: { pk: { S: `FLOOR#${id}` }, sk: { S: 'META' }, body: { S: Buffer.concat(chunks).toString() } },
        }),
      );
      machine.run({ id }); // StartExecution: started, not awaited
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, stop: () => server.close() };
}

/** Waits (up to 30 s) until every workflow started by the load has reached its wait for triage. */
async function settled(runtime: LocalRuntime): Promise<void> {
  const deadline = Date.now() + 30_000;
  const busy = () => runtime.workflow.list().filter((e) => e.status === 'RUNNING').length - runtime.workflow.waitingCount();
  while (busy() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

export async function benchIntake(): Promise<IntakeRow[]> {
  const tableName = 'bench-intake';
  const runtime = await startLocalRuntime({ port: 0, log: () => undefined, tableName, referrerToken: 'bench' });
  const floor = await startFloor(runtime.dynamodbEndpoint, tableName);
  const intakeUrl = `${runtime.url}/referrals`;
  const auth = { authorization: 'Bearer bench' };
  try {
    await load(intakeUrl, 10, auth); // warm up both (JIT, connections, table)
    await load(floor.url, 10, {});
    const rows: IntakeRow[] = [];
    const trivial = new StateMachine({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } } as never);
    const realWorkflow = runtime.workflow;
    for (const clients of [1, 10, 50]) {
      const floorResult = await load(floor.url, clients, {});
      const intakeResult = await load(intakeUrl, clients, auth);
      await settled(runtime);
      installAdapters({
        workflow: {
          ...realWorkflow,
          startReferralWorkflow: async (input) => (trivial.run({ ...input } as never), { alreadyStarted: false }),
        } as Workflow,
      });
      const aloneResult = await load(intakeUrl, clients, auth);
      installAdapters({ workflow: realWorkflow });
      rows.push({ clients, intake: intakeResult, intakeAlone: aloneResult, floor: floorResult });
    }
    return rows;
  } finally {
    floor.stop();
    await settled(runtime);
    await runtime.stop();
  }
}
