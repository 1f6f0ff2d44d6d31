/** The key that signs links: from Secrets Manager in AWS (cached), from the environment locally. */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { config } from '../config.js';

export interface LinkKeys {
  signingKey(): Promise<string>;
}

export function secretsManagerLinkKeys(): LinkKeys {
  return {
    async signingKey() {
      const arn = config().LINK_SECRET_ARN;
      if (!arn) throw new Error('LINK_SECRET_ARN is not set');
      // Cached for 5 minutes per container: one Secrets Manager call per cold start, not per click.
      const secret = await getSecret(arn, { maxAge: 300 });
      if (typeof secret !== 'string' || secret.length < 32) throw new Error('link signing secret is missing or too short');
      return secret;
    },
  };
}

export function staticLinkKeys(key: string): LinkKeys {
  return { signingKey: async () => key };
}
