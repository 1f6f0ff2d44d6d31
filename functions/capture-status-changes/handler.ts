/**
 * The table's stream (filtered in AWS to referrals of clients with a callback): each status change
 * is queued for delivery to the referrer's system. A failure fails the batch: the stream gives the
 * same records again (the queue may then hold a change twice, with the same event id).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';

import { logger } from '../../shared/logger.js';
import { captureStatusChanges } from '../../shared/services/callbacks.js';
import { type StreamRecordImages, tableChanges } from '../../shared/store/stream.js';

export const handler = middy<DynamoDBStreamEvent>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => captureStatusChanges(tableChanges(event.Records as StreamRecordImages[])));
