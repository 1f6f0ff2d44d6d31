#!/usr/bin/env node
/** cdk.json's app. `npx cdk synth` works offline: the stack is environment-agnostic. */
import { App } from 'aws-cdk-lib';

import { addNagChecks } from './nag.js';
import { type MskPathwaySettings, SettingsError, settingsFromContext } from './settings.js';
import { MskPathwayStack } from './stack.js';

const app = new App();
let settings: MskPathwaySettings;
try {
  settings = settingsFromContext(app.node);
} catch (error) {
  // A configuration that cannot work is the operator's to fix: say what, without a stack trace.
  if (!(error instanceof SettingsError)) throw error;
  console.error(error.message);
  process.exit(1);
}
// Security and HIPAA checks on every synth; an unacknowledged finding fails it.
addNagChecks(app);
new MskPathwayStack(app, app.node.tryGetContext('mskPathway:stackName') ?? 'MskPathway', {
  // UK patient data stays in London unless the operator says otherwise (-c mskPathway:region=...);
  // the CLI's own default region (us-east-1 when nothing is configured) is deliberately not used.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: app.node.tryGetContext('mskPathway:region') ?? 'eu-west-2' },
  description: 'MSK Pathway: referral intake, screening, triage and booking for an integrated MSK service',
  settings,
});
