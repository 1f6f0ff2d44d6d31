/** The SQS event a queue's function gets, as the service's messages (the callback queue and its dead-letter queue). */
import type { SQSEvent } from 'aws-lambda';

import type { CallbackMessage } from '../services/callbacks.js';

export const callbackMessages = (event: SQSEvent): CallbackMessage[] =>
  event.Records.map((record) => ({
    messageId: record.messageId,
    body: record.body,
    receipt: record.receiptHandle,
    receiveCount: Number(record.attributes.ApproximateReceiveCount),
  }));
