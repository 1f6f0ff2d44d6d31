/**
 * Faults injected into the local runtime, to show what the service does when AWS misbehaves:
 * SNS/SES refusing or throttling messages, a Lambda throwing, DynamoDB throttling or reporting a
 * conditional failure. Faults are armed per target, for a number of attempts or until cleared, and
 * every attempt at a target is recorded with its time, so a test can see the back-off.
 *
 * DynamoDB faults are answered on the wire by a small proxy in front of DynamoDB Local, so the AWS
 * SDK's own error parsing and retries run exactly as they do against the real service.
 */
import { createServer, type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

import type { FunctionName } from '../shared/functions.js';
import type { Notifier, Workflow } from '../shared/ports/index.js';

export type FaultTarget =
  | 'sms'
  /** SNS refusing CheckIfPhoneNumberIsOptedOut (the booking step's opt-out check). */
  | 'sms-opt-out-check'
  | 'staff-email'
  | 'email'
  /** Any DynamoDB call answered "throughput exceeded" (the SDK retries these itself). */
  | 'dynamodb-throttle'
  /** TransactWriteItems answered as if another writer changed the item first. */
  | 'dynamodb-conflict'
  /** StartExecution refused (Step Functions throttling). */
  | 'workflow-start'
  | `lambda:${FunctionName}`;

export interface FaultAttempt {
  target: FaultTarget;
  /** performance.now() of the attempt, in ms. */
  at: number;
  failed: boolean;
}

/** How each target fails: the error AWS would raise. */
const ERROR_NAMES: Record<string, string> = {
  sms: 'ThrottledException',
  'sms-opt-out-check': 'ThrottledException',
  'staff-email': 'InternalErrorException',
  email: 'TooManyRequestsException',
  lambda: 'InjectedFault',
  'workflow-start': 'ThrottlingException',
};

export class Faults {
  private readonly armed = new Map<FaultTarget, { remaining: number }>();
  readonly attempts: FaultAttempt[] = [];

  /** Fails the next `times` attempts at `target` (default: every attempt until cleared). */
  inject(target: FaultTarget, times = Infinity): this {
    this.armed.set(target, { remaining: times });
    return this;
  }

  /** Disarms one target, or every target and forgets the attempts seen so far. */
  clear(target?: FaultTarget): void {
    if (target) return void this.armed.delete(target);
    this.armed.clear();
    this.attempts.length = 0;
  }

  attemptsAt(target: FaultTarget): FaultAttempt[] {
    return this.attempts.filter((a) => a.target === target);
  }

  /** Records an attempt; true when it must fail. */
  private trips(target: FaultTarget): boolean {
    const fault = this.armed.get(target);
    const failed = Boolean(fault && fault.remaining > 0);
    if (fault && failed) fault.remaining--;
    this.attempts.push({ target, at: performance.now(), failed });
    return failed;
  }

  private throwIfTripped(target: FaultTarget): void {
    if (!this.trips(target)) return;
    const error = new Error(`injected fault at ${target}`);
    error.name = ERROR_NAMES[target.split(':')[0]!] ?? 'InjectedFault';
    throw error;
  }

  /** Called by the local workflow before each Lambda invocation. */
  readonly beforeInvoke = (name: FunctionName): void => this.throwIfTripped(`lambda:${name}`);

  workflow(inner: Workflow): Workflow {
    return {
      startReferralWorkflow: async (input) => (this.throwIfTripped('workflow-start'), inner.startReferralWorkflow(input)),
      retryReferralWorkflow: async (input) => (this.throwIfTripped('workflow-start'), inner.retryReferralWorkflow(input)),
      sendTaskSuccess: (token, output) => inner.sendTaskSuccess(token, output),
    };
  }

  notifier(inner: Notifier): Notifier {
    return {
      isOptedOut: async (phone) => (this.throwIfTripped('sms-opt-out-check'), inner.isOptedOut(phone)),
      sendSms: async (to, body) => (this.throwIfTripped('sms'), inner.sendSms(to, body)),
      sendStaffEmail: async (audience, email) => (this.throwIfTripped('staff-email'), inner.sendStaffEmail(audience, email)),
      sendEmail: async (to, email) => (this.throwIfTripped('email'), inner.sendEmail(to, email)),
    };
  }

  /** A proxy to DynamoDB Local that answers with the armed DynamoDB faults. */
  async dynamoDbProxy(target: string): Promise<{ endpoint: string; stop(): Promise<void> }> {
    const upstream = new URL(target);
    const server = createServer((req, res) => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      if (this.armed.has('dynamodb-throttle') && this.trips('dynamodb-throttle')) {
        return dynamoDbError(req, res, 'ProvisionedThroughputExceededException', {
          message: 'The level of configured provisioned throughput for the table was exceeded.',
        });
      }
      if (operation === 'TransactWriteItems' && this.armed.has('dynamodb-conflict') && this.trips('dynamodb-conflict')) {
        return dynamoDbError(req, res, 'TransactionCanceledException', {
          Message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed]',
          CancellationReasons: [{ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }],
        });
      }
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      stop: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    };
  }
}

/** An error response in DynamoDB's JSON protocol, after reading the request through. */
function dynamoDbError(req: IncomingMessage, res: ServerResponse, type: string, fields: Record<string, unknown>): void {
  req.resume();
  req.on('end', () => {
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `fault-${Date.now()}` });
    res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, ...fields }));
  });
}
