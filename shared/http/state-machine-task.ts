/**
 * What every function behind a state machine Task state shares (not HTTP: Step Functions invokes
 * these directly): typed input checked with zod, and logging.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';

import { logger } from '../logger.js';
import { safeErrorDetails } from './api.js';

export class InvalidTaskInputError extends Error {
  override name = 'InvalidTaskInput';
}

export function stateMachineTask<S extends z.ZodType, R>(schema: S, fn: (input: z.output<S>, context: Context) => Promise<R>) {
  return middy<unknown, R>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      const parsed = schema.safeParse(event);
      // The state machine is the only caller; a bad input is a bug in the definition, so fail loudly.
      if (!parsed.success) throw new InvalidTaskInputError(parsed.error.issues.map((i) => i.path.join('.')).join(', '));
      // The referral id only: the input may carry a task token.
      const referralId = (parsed.data as { referralId?: unknown }).referralId;
      logger.info('workflow step', { referralId });
      try {
        return await fn(parsed.data, context);
      } catch (error) {
        logger.warn('workflow step failed', { referralId, ...safeErrorDetails(error) });
        throw error;
      }
    });
}
