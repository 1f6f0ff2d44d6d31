/** Scheduled daily (EventBridge): the retention rule removes closed referrals' personal data when due. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logger } from '../../shared/logger.js';
import { removeExpiredPersonalData } from '../../shared/services/retention.js';

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(() => removeExpiredPersonalData());
