/** The smoke check's alarm step against a mocked CloudWatch: it must see the SNS action run, and reset the alarm. */
import { CloudWatchClient, DescribeAlarmHistoryCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';

import { alarmReachesTopic, formatResult } from '../../infra/smoke-checks.js';

const cloudwatch = mockClient(CloudWatchClient);
const TOPIC = 'arn:aws:sns:eu-west-2:123456789012:MskPathway-servicelead';
const noWait = { pollMs: 0, timeoutMs: 50, sleep: async () => {} };
beforeEach(() => cloudwatch.reset());

describe('alarmReachesTopic', () => {
  it("fires the alarm, waits for CloudWatch's record that the SNS action ran, and sets it back to OK", async () => {
    cloudwatch.on(SetAlarmStateCommand).resolves({});
    cloudwatch
      .on(DescribeAlarmHistoryCommand)
      .resolvesOnce({ AlarmHistoryItems: [] })
      .resolves({ AlarmHistoryItems: [{ HistoryItemType: 'Action', HistorySummary: `Successfully executed action ${TOPIC}` }] });

    const summary = await alarmReachesTopic(new CloudWatchClient({ region: 'eu-west-2' }), 'smoke-alarm', noWait);

    expect(summary).toContain(TOPIC);
    const states = cloudwatch.commandCalls(SetAlarmStateCommand).map((c) => c.args[0].input.StateValue);
    expect(states).toEqual(['ALARM', 'OK']);
    expect(cloudwatch.commandCalls(SetAlarmStateCommand)[0]!.args[0].input).toMatchObject({
      AlarmName: 'smoke-alarm',
      StateReason: 'smoke test',
    });
    const history = cloudwatch.commandCalls(DescribeAlarmHistoryCommand)[0]!.args[0].input;
    expect(history).toMatchObject({ AlarmName: 'smoke-alarm', HistoryItemType: 'Action' });
    // Only what happened since the alarm was fired.
    expect(history.StartDate!.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('fails, naming the action, when CloudWatch could not publish (e.g. a topic policy refusing it), and still resets', async () => {
    cloudwatch.on(SetAlarmStateCommand).resolves({});
    cloudwatch.on(DescribeAlarmHistoryCommand).resolves({
      AlarmHistoryItems: [
        { HistoryItemType: 'Action', HistorySummary: `Failed to execute action ${TOPIC}. Received error: "not authorized"` },
      ],
    });

    await expect(alarmReachesTopic(new CloudWatchClient({ region: 'eu-west-2' }), 'smoke-alarm', noWait)).rejects.toThrow(
      /Failed to execute action/,
    );
    expect(cloudwatch.commandCalls(SetAlarmStateCommand).map((c) => c.args[0].input.StateValue)).toEqual(['ALARM', 'OK']);
  });

  it('reads the action state from the history data when the summary is worded otherwise', async () => {
    cloudwatch.on(SetAlarmStateCommand).resolves({});
    cloudwatch.on(DescribeAlarmHistoryCommand).resolves({
      AlarmHistoryItems: [
        { HistoryItemType: 'Action', HistorySummary: `Action ${TOPIC}`, HistoryData: JSON.stringify({ actionState: 'Succeeded' }) },
      ],
    });
    await expect(alarmReachesTopic(new CloudWatchClient({ region: 'eu-west-2' }), 'smoke-alarm', noWait)).resolves.toContain(TOPIC);
  });

  it('fails when no action is recorded in time', async () => {
    cloudwatch.on(SetAlarmStateCommand).resolves({});
    cloudwatch.on(DescribeAlarmHistoryCommand).resolves({ AlarmHistoryItems: [] });
    await expect(alarmReachesTopic(new CloudWatchClient({ region: 'eu-west-2' }), 'smoke-alarm', noWait)).rejects.toThrow(
      /no action recorded/,
    );
  });
});

describe('formatResult', () => {
  it('prints one line per check: passed with detail and time, failed with the reason, skipped with why', () => {
    expect(formatResult({ name: 'status out', outcome: 'passed', detail: '200, referral 01ABC awaiting_triage', ms: 42 })).toBe(
      '✓ status out (200, referral 01ABC awaiting_triage, 42 ms)',
    );
    expect(formatResult({ name: 'token', outcome: 'failed', detail: '401 invalid_client', ms: 9 })).toBe('✗ token: 401 invalid_client');
    expect(formatResult({ name: 'referral in', outcome: 'skipped', detail: 'an earlier check failed', ms: 0 })).toBe(
      '- referral in: skipped, an earlier check failed',
    );
  });
});
