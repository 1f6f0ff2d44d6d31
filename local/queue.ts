/**
 * An in-process stand-in for an SQS queue with a dead-letter queue, consumed as Lambda's event
 * source mapping consumes one (batches of up to 10, ReportBatchItemFailures). What the callback
 * delivery relies on behaves as SQS does:
 * - a message received is out of sight for the visibility timeout, then comes back unless deleted;
 * - a message reported as failed stays; ChangeMessageVisibility (the port's `retryAfter`) sets when it comes back;
 * - one received `maxReceiveCount` times already is moved to the dead-letter queue instead of a further receive;
 * - ApproximateReceiveCount counts the receives.
 * Time is the service's clock (shared/clock.ts), so CLOCK_SPEEDUP runs the back-off faster too.
 * Messages live in memory: a restart of the local runtime loses those not yet delivered (README).
 */
import { randomUUID } from 'node:crypto';

import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

import { now } from '../shared/clock.js';
import type { CallbackQueue } from '../shared/ports/index.js';

interface Message {
  messageId: string;
  body: string;
  receiveCount: number;
  visibleAt: number;
  receipt?: string;
}

export interface LocalQueueOptions {
  name: string;
  /** The queue's function, invoked as the event source mapping invokes it. */
  consume: (event: SQSEvent) => Promise<SQSBatchResponse | void>;
  /** Seconds a received message stays out of sight unless its visibility is changed. */
  visibilityTimeoutSeconds: number;
  /** With `deadLetters`: receives after which a message is moved there (SQS's redrive policy). */
  maxReceiveCount?: number;
  deadLetters?: LocalQueue;
  /** How often (real time) it looks for messages due. */
  pollMs?: number;
  log?: (line: string) => void;
}

export class LocalQueue {
  private messages: Message[] = [];
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  constructor(private readonly options: LocalQueueOptions) {}

  send(bodies: string[]): void {
    const at = now().getTime();
    for (const body of bodies) this.messages.push({ messageId: randomUUID(), body, receiveCount: 0, visibleAt: at });
  }

  /** ChangeMessageVisibility: the message received with this receipt comes back `seconds` from now. */
  changeVisibility(receipt: string, seconds: number): void {
    const message = this.messages.find((m) => m.receipt === receipt);
    // SQS refuses a receipt that is no longer current (ReceiptHandleIsInvalid).
    if (!message) throw new Error('ReceiptHandleIsInvalid');
    message.visibleAt = now().getTime() + seconds * 1000;
  }

  /** Messages waiting or in flight (tests). */
  get length(): number {
    return this.messages.length;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.poll(), this.options.pollMs ?? 50);
    this.timer.unref();
  }

  /** Stops polling and waits for a batch being consumed. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.polling;
  }

  /** One round: every message due, in batches of 10, one batch at a time. */
  poll(): Promise<void> {
    this.polling ??= this.receiveDue().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async receiveDue(): Promise<void> {
    // Each message at most once a round, as a poller's receive would return it.
    const received = new Set<Message>();
    for (;;) {
      const at = now().getTime();
      const due = this.messages.filter((m) => m.visibleAt <= at && !received.has(m));
      const { maxReceiveCount, deadLetters } = this.options;
      const expired = maxReceiveCount && deadLetters ? due.filter((m) => m.receiveCount >= maxReceiveCount) : [];
      if (expired.length) {
        this.messages = this.messages.filter((m) => !expired.includes(m));
        deadLetters!.send(expired.map((m) => m.body));
      }
      const batch = due.filter((m) => !expired.includes(m)).slice(0, 10);
      if (!batch.length) return;
      for (const message of batch) {
        received.add(message);
        message.receiveCount += 1;
        message.receipt = randomUUID();
        message.visibleAt = at + this.options.visibilityTimeoutSeconds * 1000;
      }
      const event: SQSEvent = {
        Records: batch.map((m) => ({
          messageId: m.messageId,
          receiptHandle: m.receipt!,
          body: m.body,
          attributes: {
            ApproximateReceiveCount: String(m.receiveCount),
            SentTimestamp: String(at),
            SenderId: 'local',
            ApproximateFirstReceiveTimestamp: String(at),
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: `arn:aws:sqs:eu-west-2:000000000000:${this.options.name}`,
          awsRegion: 'eu-west-2',
        })),
      };
      let failed: Set<string>;
      try {
        const result = await this.options.consume(event);
        failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch (error) {
        // The whole batch failed: every message comes back after its visibility timeout.
        this.options.log?.(`[local] ${this.options.name}: batch failed (${(error as Error).name})`);
        failed = new Set(batch.map((m) => m.messageId));
      }
      this.messages = this.messages.filter((m) => !batch.includes(m) || failed.has(m.messageId));
    }
  }
}

/** The callback queue port over a local queue. */
export function localCallbackQueue(queue: LocalQueue): CallbackQueue {
  return {
    async enqueue(changes) {
      queue.send(changes.map((change) => JSON.stringify(change)));
    },
    async retryAfter(receipt, seconds) {
      queue.changeVisibility(receipt, seconds);
    },
  };
}
