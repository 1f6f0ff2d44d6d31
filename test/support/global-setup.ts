import type { TestProject } from 'vitest/node';

import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { ensureChromium } from './chromium.js';
import { clearFigures, summaryLine } from './figures.js';

let dynamodb: DynamoDbLocal | undefined;

export async function setup(project: TestProject) {
  clearFigures();
  // The browser comes first: on a machine without one this either installs it or stops the run
  // at once with the command to run, before DynamoDB Local starts.
  // The run's file filters (`vitest run test/unit`): only runs that include a browser test need one.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  const { testFiles } = await project.globTestFiles(filters);
  project.provide('chromiumPath', testFiles.some((file) => file.endsWith('.browser.test.ts')) ? ensureChromium() : '');
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
    /** The browser for the Chromium tests ('' when the run has none). */
    chromiumPath: string;
  }
}
