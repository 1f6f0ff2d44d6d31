/** The AWS adapters, against mocked SDK clients: they load their client on first use and call it right. */
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { resetConfig } from '../../shared/config.js';
import { installAdapters, resetAdapters } from '../../shared/ports/index.js';
import { secretsManagerLinkKeys } from '../../shared/ports/link-keys.js';
import { awsNotifier } from '../../shared/ports/notifier.js';
import { stepFunctionsWorkflow, TaskNotWaitingError } from '../../shared/ports/workflow.js';
import { resumeWorkflow } from '../../shared/services/steps/decision.js';
import type { Task } from '../../shared/store/tasks.js';

const secrets = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);
const sfn = mockClient(SFNClient);
const KEY = 'k'.repeat(40);
const OLD_KEY = 'o'.repeat(40);

beforeEach(() => {
  secrets.reset();
  sns.reset();
  sfn.reset();
  process.env.LINK_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-2:000000000000:secret:links';
  process.env.TABLE_NAME ??= 'unit-test-table';
  resetConfig();
});
afterEach(() => {
  delete process.env.LINK_SECRET_ARN;
  resetConfig();
  vi.useRealTimers();
});

describe('link keys from Secrets Manager', () => {
  const notFound = () =>
    new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret version.", $metadata: {} });

  it('reads the current and previous keys once and keeps them for five minutes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({ SecretString: KEY });
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' }).resolves({ SecretString: OLD_KEY });
    const keys = secretsManagerLinkKeys();
    expect(await keys.keyring()).toEqual({ current: KEY, previous: OLD_KEY });
    expect(await keys.keyring()).toEqual({ current: KEY, previous: OLD_KEY });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    vi.advanceTimersByTime(5 * 60_000 + 1);
    await keys.keyring();
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(4);
  });

  it('reads them again when asked to refresh (a link under a key not seen yet), at most every 30 seconds', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({ SecretString: KEY });
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' }).resolves({ SecretString: OLD_KEY });
    const keys = secretsManagerLinkKeys();
    await keys.keyring();
    await keys.keyring({ refresh: true });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    vi.advanceTimersByTime(30_000);
    await keys.keyring({ refresh: true });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(4);
  });

  it('has no previous key before the first rotation', async () => {
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({ SecretString: KEY });
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' }).rejects(notFound());
    expect(await secretsManagerLinkKeys().keyring()).toEqual({ current: KEY });
  });

  it('refuses a missing or short key', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'short' });
    await expect(secretsManagerLinkKeys().keyring()).rejects.toThrow(/too short/);
  });
});

describe('SMS through SNS', () => {
  it('publishes a transactional text to the number', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    expect(await awsNotifier().sendSms('+447700900123', 'Hello')).toEqual({ messageId: 'm-1' });
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toMatchObject({
      PhoneNumber: '+447700900123',
      Message: 'Hello',
      MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
    });
  });
});

describe('Step Functions workflow', () => {
  const validation = Object.assign(new Error("1 validation error detected: Value '' at 'taskToken'"), { name: 'ValidationException' });

  it('treats a step with no token yet as not waiting, without asking Step Functions (which would refuse it)', async () => {
    sfn.on(SendTaskSuccessCommand, { taskToken: '' }).rejects(validation);
    await expect(stepFunctionsWorkflow().sendTaskSuccess('', { route: 'booked' })).rejects.toBeInstanceOf(TaskNotWaitingError);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('lets a patient who books before the booking step waits succeed: the decision stands for the workflow to find', async () => {
    sfn.on(SendTaskSuccessCommand, { taskToken: '' }).rejects(validation);
    installAdapters({ workflow: stepFunctionsWorkflow() });
    const task: Task = { taskId: 't1', kind: 'booking', referralId: 'r1', token: '', createdAt: '', linkExpiresAt: '' };
    try {
      await expect(resumeWorkflow(task, { route: 'booked' })).resolves.toBeUndefined();
    } finally {
      resetAdapters();
    }
  });

  it('passes a real token on with the routing as JSON', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    await stepFunctionsWorkflow().sendTaskSuccess('token-1', { route: 'booked' });
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input).toEqual({ taskToken: 'token-1', output: '{"route":"booked"}' });
  });
});
