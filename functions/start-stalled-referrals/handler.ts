/** Scheduled every 15 minutes (EventBridge): starts the workflow of any referral stored but never started. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';

import { logger } from '../../shared/logger.js';
import { startStalledWorkflows } from '../../shared/services/intake.js';

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const result = await startStalledWorkflows();
    if (result.started) logger.warn('started stalled referral workflows', result);
    return result;
  });
