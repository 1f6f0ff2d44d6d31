/** Points the store at a fresh table in the shared DynamoDB Local (started by global-setup.ts). */
import { randomUUID } from 'node:crypto';

import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';

import { ensureTable, LOCAL_AWS_ENV } from '../../local/dynamodb-local.js';
import { resetConfig } from '../../shared/config.js';
import { documentClient, resetDocumentClient } from '../../shared/store/dynamo.js';
import { keys } from '../../shared/tables.js';

export async function useFreshTable(): Promise<{ tableName: string; endpoint: string }> {
  const endpoint = inject('dynamodbEndpoint');
  const tableName = `test-${randomUUID()}`;
  Object.assign(process.env, LOCAL_AWS_ENV, { AWS_ENDPOINT_URL_DYNAMODB: endpoint, TABLE_NAME: tableName });
  resetConfig();
  resetDocumentClient();
  await ensureTable(endpoint, tableName);
  return { tableName, endpoint };
}

/** Every item in a table (small test tables only). */
export async function scanAll(endpoint: string, tableName: string) {
  const client = new DynamoDBClient({ endpoint });
  try {
    return (await client.send(new ScanCommand({ TableName: tableName }))).Items ?? [];
  } finally {
    client.destroy();
  }
}

/** One item, read as it is stored (for checks of what a link or a record names). */
export async function getItem(key: { pk: string; sk: string }): Promise<Record<string, any> | undefined> {
  return (await documentClient().send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: key }))).Item;
}

/** Ages a link past its expiry, as days passing would (tests of expired links). */
export async function expireLink(link: string): Promise<void> {
  // A link's id: the task's own (/tasks/) or the patient's link to it (/a/).
  const id = link.split('/').pop()!.split('.')[0]!;
  const taskId = link.includes('/a/') ? (await getItem(keys.patientLink(id)))!.taskId : id;
  await documentClient().send(
    new UpdateCommand({
      TableName: process.env.TABLE_NAME,
      Key: keys.task(taskId),
      UpdateExpression: 'SET linkExpiresAt = :past',
      ExpressionAttributeValues: { ':past': '2000-01-01T00:00:00.000Z' },
    }),
  );
}
