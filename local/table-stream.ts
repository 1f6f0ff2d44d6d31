/**
 * The table's stream on DynamoDB Local, read as Lambda's event source mapping reads it in AWS: each
 * shard in order, from its start (TRIM_HORIZON), a batch of records handed to the function; a batch
 * whose function fails is handed over again, so nothing is skipped. DynamoDB Local restarted by the
 * watchdog, or an iterator expired: reading goes on after the last record handled.
 */
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';

import { LOCAL_AWS_ENV } from './dynamodb-local.js';

interface Shard {
  iterator?: string;
  /** The last record handled: reading resumes after it. */
  after?: string;
  closed?: boolean;
}

export interface TableStreamOptions {
  endpoint: string;
  streamArn: string;
  /** The stream's function, invoked as the event source mapping invokes it; a throw hands the batch over again. */
  consume: (event: DynamoDBStreamEvent) => Promise<unknown>;
  pollMs?: number;
  log?: (line: string) => void;
}

export class TableStream {
  private readonly client: DynamoDBStreamsClient;
  private readonly shards = new Map<string, Shard>();
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private rounds = 0;
  private lastError = '';

  constructor(private readonly options: TableStreamOptions) {
    this.client = new DynamoDBStreamsClient({
      endpoint: options.endpoint,
      region: LOCAL_AWS_ENV.AWS_REGION,
      credentials: { accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY },
    });
  }

  start(): void {
    this.timer ??= setInterval(() => void this.read(), this.options.pollMs ?? 100);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.reading;
    this.client.destroy();
  }

  /** One round over every shard (tests may call it to read at once). */
  read(): Promise<void> {
    this.reading ??= this.readShards()
      .catch((error: unknown) => {
        // DynamoDB Local restarting, most likely: said once, then tried again next round.
        const name = (error as Error)?.name ?? 'Error';
        if (name !== this.lastError) this.options.log?.(`[local] table stream: ${name}; reading again shortly`);
        this.lastError = name;
        for (const shard of this.shards.values()) shard.iterator = undefined;
      })
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async readShards(): Promise<void> {
    const { streamArn } = this.options;
    // New shards appear as the stream rolls over: look for them now and then.
    if (this.rounds++ % 20 === 0 || !this.shards.size) {
      const { StreamDescription } = await this.client.send(new DescribeStreamCommand({ StreamArn: streamArn }));
      for (const { ShardId } of StreamDescription?.Shards ?? []) if (ShardId && !this.shards.has(ShardId)) this.shards.set(ShardId, {});
    }
    for (const [ShardId, shard] of this.shards) {
      if (shard.closed) continue;
      shard.iterator ??= (
        await this.client.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId,
            ...(shard.after
              ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.after }
              : { ShardIteratorType: 'TRIM_HORIZON' }),
          }),
        )
      ).ShardIterator;
      const { Records = [], NextShardIterator } = await this.client.send(new GetRecordsCommand({ ShardIterator: shard.iterator }));
      if (Records.length) {
        try {
          await this.options.consume({ Records: Records.map((record) => this.asLambdaRecord(record)) } as DynamoDBStreamEvent);
        } catch (error) {
          // As Lambda retries a failed batch: read the same records again next round.
          this.options.log?.(`[local] table stream: batch failed (${(error as Error)?.name}); handing it over again`);
          shard.iterator = undefined;
          continue;
        }
        shard.after = Records.at(-1)!.dynamodb!.SequenceNumber;
      }
      shard.iterator = NextShardIterator;
      if (!NextShardIterator) shard.closed = true;
    }
    this.lastError = '';
  }

  /** A GetRecords record as Lambda's event carries it (times in epoch seconds, the stream's ARN). */
  private asLambdaRecord(record: _Record): unknown {
    const created = record.dynamodb?.ApproximateCreationDateTime;
    return {
      ...record,
      eventSourceARN: this.options.streamArn,
      dynamodb: { ...record.dynamodb, ApproximateCreationDateTime: created ? Math.floor(new Date(created).getTime() / 1000) : undefined },
    };
  }
}
