/**
 * The keys that sign links: from Secrets Manager in AWS (cached), from the environment locally.
 * Rotation is Secrets Manager's own: putting a new value makes it AWSCURRENT and the old one
 * AWSPREVIOUS, and links signed with AWSPREVIOUS keep working until the next rotation.
 */
import { config } from '../config.js';
import type { LinkKeyring } from '../domain/links.js';
import { onFirstUse } from './on-first-use.js';

export interface LinkKeys {
  /**
   * The current key (signs links and form tokens) and the previous one (still accepted). `refresh`:
   * read them again now, if not read in the last half minute (a link signed with a key this
   * container has not seen yet: the key was just rotated).
   */
  keyring(options?: { refresh?: boolean }): Promise<LinkKeyring>;
}

/** One Secrets Manager read per container every five minutes, not one per click. */
const CACHE_MS = 5 * 60_000;
/** A made-up link may ask for a fresh read; at most this often, so that they cannot make many. */
const REFRESH_AT_MOST_EVERY_MS = 30_000;
const MIN_KEY_LENGTH = 32;

const secretsSdk = onFirstUse(async () => {
  const sdk = await import('@aws-sdk/client-secrets-manager');
  return { sdk, client: new sdk.SecretsManagerClient({}) };
});

export function secretsManagerLinkKeys(): LinkKeys {
  let cached: { keyring: LinkKeyring; until: number; readAt: number } | undefined;
  return {
    async keyring({ refresh = false } = {}) {
      const fresh = cached && Date.now() < cached.until && !(refresh && Date.now() - cached.readAt >= REFRESH_AT_MOST_EVERY_MS);
      if (cached && fresh) return cached.keyring;
      const arn = config().LINK_SECRET_ARN;
      if (!arn) throw new Error('LINK_SECRET_ARN is not set');
      const { sdk, client } = await secretsSdk();
      const read = (VersionStage: string) => client.send(new sdk.GetSecretValueCommand({ SecretId: arn, VersionStage }));
      const [current, previous] = await Promise.all([
        read('AWSCURRENT'),
        // Before the first rotation there is no previous version.
        read('AWSPREVIOUS').catch((error: unknown) => {
          if (error instanceof sdk.ResourceNotFoundException) return undefined;
          throw error;
        }),
      ]);
      const key = current.SecretString;
      if (typeof key !== 'string' || key.length < MIN_KEY_LENGTH) throw new Error('link signing secret is missing or too short');
      const old = previous?.SecretString;
      const keyring = { current: key, ...(typeof old === 'string' && old.length >= MIN_KEY_LENGTH ? { previous: old } : {}) };
      cached = { keyring, until: Date.now() + CACHE_MS, readAt: Date.now() };
      return keyring;
    },
  };
}

export function staticLinkKeys(current: string, previous?: string): LinkKeys {
  return { keyring: async () => ({ current, ...(previous ? { previous } : {}) }) };
}
