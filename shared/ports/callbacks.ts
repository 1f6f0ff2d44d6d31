/**
 * Status sent back to referrer systems: the queue that carries each status change to the function
 * that delivers it (SQS in AWS, an in-process stand-in locally), and each referrer client's
 * registered callback (its URL, and the shared secret that signs: Secrets Manager in AWS, the
 * environment locally).
 */
import { config } from '../config.js';
import type { StatusChange } from '../domain/callbacks.js';
import { onFirstUse } from './on-first-use.js';

export interface CallbackQueue {
  /** Queues status changes for delivery, at least once each. */
  enqueue(changes: StatusChange[]): Promise<void>;
  /**
   * A delivery failed: the message comes back for another attempt after `seconds` (SQS:
   * ChangeMessageVisibility on the message just received, by its receipt handle).
   */
  retryAfter(receipt: string, seconds: number): Promise<void>;
}

export interface ReferrerCallbacks {
  /** The callback registered for a referrer client (by its OAuth client id), if it has one: its URL, and the client's name. */
  callbackFor(clientId: string): { url: string; name: string } | undefined;
  /** The shared secret that signs that client's events. */
  secretFor(clientId: string): Promise<string>;
}

/** One entry of `REFERRER_CALLBACKS` as CDK writes it: a referrer client, its callback URL and the ARN of its secret. */
export interface RegisteredCallback {
  /** The OAuth client id (Cognito app client id), as referrals record their sender. */
  clientId: string;
  /** The client's name in `mskPathway:referrerClients`. */
  name: string;
  url: string;
  secretArn: string;
}

function registry(): Record<string, RegisteredCallback> {
  const list = JSON.parse(config().REFERRER_CALLBACKS ?? '[]') as RegisteredCallback[];
  return Object.fromEntries(list.map((entry) => [entry.clientId, entry]));
}

const sqsSdk = onFirstUse(async () => {
  const sdk = await import('@aws-sdk/client-sqs');
  return { sdk, client: new sdk.SQSClient({}) };
});

function queueUrl(): string {
  const url = config().CALLBACK_QUEUE_URL;
  if (!url) throw new Error('CALLBACK_QUEUE_URL is not set');
  return url;
}

export function sqsCallbackQueue(): CallbackQueue {
  return {
    async enqueue(changes) {
      const { sdk, client } = await sqsSdk();
      // Ten to a request, SQS's batch limit; any entry it did not take fails the whole call, to be retried.
      for (let i = 0; i < changes.length; i += 10) {
        const Entries = changes.slice(i, i + 10).map((change, n) => ({ Id: String(n), MessageBody: JSON.stringify(change) }));
        const result = await client.send(new sdk.SendMessageBatchCommand({ QueueUrl: queueUrl(), Entries }));
        if (result.Failed?.length) throw new Error(`SQS did not take ${result.Failed.length} callbacks (${result.Failed[0]!.Code})`);
      }
    },
    async retryAfter(receipt, seconds) {
      const { sdk, client } = await sqsSdk();
      await client.send(
        new sdk.ChangeMessageVisibilityCommand({ QueueUrl: queueUrl(), ReceiptHandle: receipt, VisibilityTimeout: seconds }),
      );
    },
  };
}

/** A secret read once per container every five minutes, not once per event. */
const CACHE_MS = 5 * 60_000;

const secretsSdk = onFirstUse(async () => {
  const sdk = await import('@aws-sdk/client-secrets-manager');
  return { sdk, client: new sdk.SecretsManagerClient({}) };
});

export function secretsManagerReferrerCallbacks(): ReferrerCallbacks {
  const cache = new Map<string, { secret: string; until: number }>();
  return {
    callbackFor(clientId) {
      const found = registry()[clientId];
      return found && { url: found.url, name: found.name };
    },
    async secretFor(clientId) {
      const cached = cache.get(clientId);
      if (cached && Date.now() < cached.until) return cached.secret;
      const arn = registry()[clientId]?.secretArn;
      if (!arn) throw new Error('no callback secret is registered for this client');
      const { sdk, client } = await secretsSdk();
      const result = await client.send(new sdk.GetSecretValueCommand({ SecretId: arn }));
      if (!result.SecretString) throw new Error('callback secret is empty');
      cache.set(clientId, { secret: result.SecretString, until: Date.now() + CACHE_MS });
      return result.SecretString;
    },
  };
}

/** Callbacks given as they are (the local runtime: REFERRER_CALLBACK_URL and REFERRER_CALLBACK_SECRET). */
export function staticReferrerCallbacks(callbacks: Record<string, { url: string; secret: string }>): ReferrerCallbacks {
  return {
    callbackFor(clientId) {
      const found = callbacks[clientId];
      return found && { url: found.url, name: clientId };
    },
    async secretFor(clientId) {
      const secret = callbacks[clientId]?.secret;
      if (!secret) throw new Error('no callback secret is registered for this client');
      return secret;
    },
  };
}
