/**
 * The callback queue (SQS, ReportBatchItemFailures): signs and POSTs each status change to its
 * referrer's callback. Those not delivered are reported back, to come again after their wait.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

import { callbackMessages } from '../../shared/http/queue-event.js';
import { logger } from '../../shared/logger.js';
import { deliverCallbacks } from '../../shared/services/callbacks.js';

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const { failed } = await deliverCallbacks(callbackMessages(event));
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  });
