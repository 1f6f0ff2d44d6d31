/**
 * Patient data never goes into logs. A whole journey (referral, triage, booking, outcome, with a
 * forced failure on the way) runs while every line the handlers log is captured; none may hold
 * the patient's NHS number, names, date of birth, phone number, postcode, or any task token.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { documentClient } from '../../shared/store/dynamo.js';
import { withPatient } from '../support/fixtures.js';
import { until } from '../support/harness.js';
import { type LocalService, startLocalService } from '../support/local-service.js';

const PATIENT = {
  nhsNumber: '9434765870',
  givenName: 'Perpetua',
  familyName: 'Quistclose',
  dateOfBirth: '1961-07-19',
  mobile: '07700 900777',
  postcode: 'LA1 4XY',
};
const SECRETS = ['9434765870', '943 476 5870', 'Perpetua', 'Quistclose', '1961-07-19', '07700 900777', '7700900777', 'LA1 4XY'];

let svc: LocalService;
const lines: string[] = [];

beforeAll(async () => {
  const capture = (chunk: unknown) => {
    const text = String(chunk);
    // Powertools writes JSON lines; the local runtime's own "[outbox]" console lines are a
    // developer's view of messages, not logs, and are left out.
    for (const line of text.split('\n')) if (line.trim().startsWith('{')) lines.push(line);
    return true;
  };
  // Before the service starts, and with nothing imported here that creates the logger (it reads
  // POWERTOOLS_LOG_LEVEL and binds its output when created): scheduled handlers load at start.
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  svc = await startLocalService({ speedup: 86_400 });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await svc?.stop();
});

describe('logs', () => {
  it('hold no patient-identifiable data and no task token through a whole journey', async () => {
    await svc.loadClinic('log-clinic', { count: 1, firstInMs: 4 * 86_400_000 });

    const id = await svc.referAndGetId(withPatient(PATIENT));
    // A request that fails validation, and one that crashes a handler, must log safely too.
    await svc.refer(withPatient({ ...PATIENT, nhsNumber: '9434765871' }));
    await svc.submit(await svc.linkFor(id), { decision: 'accept', clinician: 'Jo Physio', service: 'physiotherapy', priority: 'routine' });
    const invite = await svc.message((m) => m.to === '+447700900777' && /book your/.test(m.body), 'the invitation');
    const link = /(http:\/\/\S+\/a\/\S+)/.exec(invite.body)![1]!;
    const slot = /name="slot" type="radio" value="([^"]+)"/.exec(await (await fetch(link)).text())![1]!;
    await svc.submit(link, { action: 'book', slot });
    const outcome = await svc.message((m) => m.to === 'clinic-team' && m.body.includes(id), 'the outcome request');
    await svc.submit(/(http:\/\/\S+\/tasks\/\S+)/.exec(outcome.body)![1]!, { decision: 'attended-discharged', clinician: 'Pat Clinic' });
    await until(() => svc.runtime.workflow.execution(id)?.status === 'SUCCEEDED', 'the journey to end', 30_000);

    const tasks =
      (
        await documentClient().send(
          new ScanCommand({
            TableName: process.env.TABLE_NAME,
            FilterExpression: 'entity = :t',
            ExpressionAttributeValues: { ':t': 'task' },
          }),
        )
      ).Items ?? [];
    const tokens = tasks.map((t) => String(t.token)).filter((t) => t.length > 10);
    expect(tokens.length).toBeGreaterThan(0);

    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      for (const secret of [...SECRETS, ...tokens]) expect(line, `a log line holds "${secret}"`).not.toContain(secret);
    }
    process.stdout.write(
      `log privacy: ${lines.length} log lines scanned for ${SECRETS.length} patient values and ${tokens.length} task tokens: none found\n`,
    );
  }, 90_000);
});
