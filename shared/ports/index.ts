/**
 * The one place handlers get their adapters from. In AWS these are the real clients; the local
 * runtime and tests install their own with `installAdapters` before any handler runs.
 */
import { type CallbackQueue, type ReferrerCallbacks, secretsManagerReferrerCallbacks, sqsCallbackQueue } from './callbacks.js';
import { type LinkKeys, secretsManagerLinkKeys } from './link-keys.js';
import { awsNotifier, type Notifier, reportingFailures } from './notifier.js';
import { cognitoStaffIdentity, type StaffIdentity } from './staff-identity.js';
import { stepFunctionsWorkflow, type Workflow } from './workflow.js';

export interface Adapters {
  workflow: Workflow;
  notifier: Notifier;
  linkKeys: LinkKeys;
  staffIdentity: StaffIdentity;
  callbackQueue: CallbackQueue;
  referrerCallbacks: ReferrerCallbacks;
}

let installed: Partial<Adapters> = {};
let inUse: Adapters | undefined;

export function adapters(): Adapters {
  if (inUse) return inUse;
  const notifier = installed.notifier ?? awsNotifier();
  inUse = {
    workflow: installed.workflow ?? stepFunctionsWorkflow(),
    // Whichever notifier runs, a failure reaches the workflow under one name (NotificationFailed).
    notifier: reportingFailures(notifier),
    linkKeys: installed.linkKeys ?? secretsManagerLinkKeys(),
    staffIdentity: installed.staffIdentity ?? cognitoStaffIdentity(),
    callbackQueue: installed.callbackQueue ?? sqsCallbackQueue(),
    referrerCallbacks: installed.referrerCallbacks ?? secretsManagerReferrerCallbacks(),
  };
  return inUse;
}

export function installAdapters(replacements: Partial<Adapters>): void {
  installed = { ...installed, ...replacements };
  inUse = undefined;
}

export function resetAdapters(): void {
  installed = {};
  inUse = undefined;
}

export type { CallbackQueue, LinkKeys, Notifier, ReferrerCallbacks, StaffIdentity, Workflow };
