/** A complete deployment configuration with example.nhs.uk addresses, for synthesizing offline (tests, bench). */
import { App } from 'aws-cdk-lib';

import { settingsFromContext } from '../../infra/settings.js';
import { MskPathwayStack } from '../../infra/stack.js';

export const EXAMPLE_CONTEXT: Record<string, string> = {
  'mskPathway:triageEmails': 'msk.triage@example.nhs.uk',
  'mskPathway:serviceLeadEmails': 'msk.lead@example.nhs.uk',
  'mskPathway:seniorClinicianEmails': 'msk.consultants@example.nhs.uk',
  'mskPathway:bookingTeamEmails': 'msk.booking@example.nhs.uk',
  'mskPathway:clinicEmails': 'msk.clinics@example.nhs.uk',
  'mskPathway:senderEmail': 'msk.referrals@example.nhs.uk',
  'mskPathway:referrerClients': 'emis-p81001,smoke-check',
  'mskPathway:referrerCallbacks': 'emis-p81001=https://gp-system.example.com/msk/status',
};

/** The same as `cdk synth` arguments. */
export const exampleContextArgs = (context: Record<string, string> = EXAMPLE_CONTEXT): string[] =>
  Object.entries(context).flatMap(([key, value]) => ['-c', `${key}=${value}`]);

/** An app as `cdk synth` makes it, with the example configuration plus `context`, without bundling. */
export function exampleApp(context: Record<string, unknown> = {}): App {
  // Skip esbuild bundling: tests of the template are not about the bundles.
  return new App({ context: { 'aws:cdk:bundling-stacks': [], ...EXAMPLE_CONTEXT, ...context } });
}

export function exampleStack(app: App, id = 'Test'): MskPathwayStack {
  return new MskPathwayStack(app, id, { env: { region: 'eu-west-2' }, settings: settingsFromContext(app.node) });
}
