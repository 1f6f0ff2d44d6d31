/**
 * The callback dead-letter queue: a status change never delivered after every attempt is put
 * before staff (the service lead emailed, the referral's timeline). Those not recorded come again.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

import { callbackMessages } from '../../shared/http/queue-event.js';
import { logger } from '../../shared/logger.js';
import { recordCallbackFailures } from '../../shared/services/callbacks.js';

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const { failed } = await recordCallbackFailures(callbackMessages(event));
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  });
