/** The AWS adapters, against mocked SDK clients: they load their client on first use and call it right. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetConfig } from '../../shared/config.js';
import { secretsManagerLinkKeys } from '../../shared/ports/link-keys.js';
import { awsNotifier } from '../../shared/ports/notifier.js';

const secrets = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);
const KEY = 'k'.repeat(40);

beforeEach(() => {
  secrets.reset();
  sns.reset();
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
  it('reads the key once and keeps it for five minutes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    secrets.on(GetSecretValueCommand).resolves({ SecretString: KEY });
    const keys = secretsManagerLinkKeys();
    expect(await keys.signingKey()).toBe(KEY);
    expect(await keys.signingKey()).toBe(KEY);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    vi.advanceTimersByTime(5 * 60_000 + 1);
    await keys.signingKey();
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('refuses a missing or short key', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'short' });
    await expect(secretsManagerLinkKeys().signingKey()).rejects.toThrow(/too short/);
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
