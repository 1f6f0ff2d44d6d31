/** The self-referral form's handler reads every field through the one body parser, base64 or not. */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';

import { handler } from '../../functions/self-referral/handler.js';
import { resetConfig } from '../../shared/config.js';
import { resetAdapters } from '../../shared/ports/index.js';
import { resetDocumentClient } from '../../shared/store/dynamo.js';
import { apiEvent, context } from '../support/api-event.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);

beforeEach(() => {
  Object.assign(process.env, { TABLE_NAME: 't', STATE_MACHINE_ARN: 'arn:aws:states:eu-west-2:1:stateMachine:r', AWS_REGION: 'eu-west-2' });
  resetConfig();
  resetDocumentClient();
  resetAdapters();
  dynamo.reset();
  sfn.reset();
  dynamo.on(TransactWriteCommand).resolves({});
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:execution' });
});

const form = new URLSearchParams({
  givenName: 'Robin',
  familyName: 'Smith',
  nhsNumber: '9434765919',
  dateOfBirth: '1980-02-03',
  postcode: 'PR7 1AA',
  bodySite: 'lower-back',
  summary: 'Back pain',
  durationWeeks: '1',
  painScore: '7',
});
form.append('redFlags', 'saddle-anaesthesia');
form.append('redFlags', 'progressive-leg-weakness');

describe('POST /self-referral handler', () => {
  it.each([false, true])('reads ticked red flags from the body (base64-encoded by API Gateway: %s)', async (base64) => {
    const event = apiEvent({
      path: '/self-referral',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: base64 ? Buffer.from(form.toString()).toString('base64') : form.toString(),
      clientId: null,
    });
    event.isBase64Encoded = base64;
    const response = await handler(event, context());
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Go to A&amp;E now or call 999');
    const stored = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Put!.Item!;
    expect(stored.redFlags).toEqual(['saddle-anaesthesia', 'progressive-leg-weakness']);
  });
});
