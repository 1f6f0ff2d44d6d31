import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb-local.js';
import { clearFigures, summaryLine } from './figures.js';

let dynamodb: DynamoDbLocal | undefined;

export async function setup(project: TestProject) {
  clearFigures();
  dynamodb = await startDynamoDbLocal();
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
}

export async function teardown() {
  await dynamodb?.stop();
  console.log(`\n${summaryLine()}\n`);
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}
