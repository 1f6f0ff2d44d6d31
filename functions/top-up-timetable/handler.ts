/** Scheduled daily (EventBridge): every timetable session's slots made up to TIMETABLE_WEEKS_AHEAD ahead. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';

import { logger } from '../../shared/logger.js';
import { topUpTimetable } from '../../shared/services/timetable.js';

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(() => topUpTimetable());
