/** The key that signs links: from Secrets Manager in AWS (cached), from the environment locally. */
import { config } from '../config.js';
import { onFirstUse } from './on-first-use.js';

export interface LinkKeys {
  signingKey(): Promise<string>;
}

/** One Secrets Manager read per container every five minutes, not one per click. */
const CACHE_MS = 5 * 60_000;

const secretsSdk = onFirstUse(async () => {
  const sdk = await import('@aws-sdk/client-secrets-manager');
  return { sdk, client: new sdk.SecretsManagerClient({}) };
});

export function secretsManagerLinkKeys(): LinkKeys {
  let cached: { key: string; until: number } | undefined;
  return {
    async signingKey() {
      if (cached && Date.now() < cached.until) return cached.key;
      const arn = config().LINK_SECRET_ARN;
      if (!arn) throw new Error('LINK_SECRET_ARN is not set');
      const { sdk, client } = await secretsSdk();
      const { SecretString: secret } = await client.send(new sdk.GetSecretValueCommand({ SecretId: arn }));
      if (typeof secret !== 'string' || secret.length < 32) throw new Error('link signing secret is missing or too short');
      cached = { key: secret, until: Date.now() + CACHE_MS };
      return secret;
    },
  };
}

export function staticLinkKeys(key: string): LinkKeys {
  return { signingKey: async () => key };
}
