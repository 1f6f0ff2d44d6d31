/** Scheduled daily (EventBridge): the retention rule removes closed referrals' personal data when due. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';

import { logger } from '../../shared/logger.js';
import { removeExpiredPersonalData } from '../../shared/services/retention.js';

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(() => removeExpiredPersonalData());
