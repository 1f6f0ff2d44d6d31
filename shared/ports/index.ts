/**
 * The one place handlers get their adapters from. In AWS these are the real clients; the local
 * runtime and tests install their own with `installAdapters` before any handler runs.
 */
import { secretsManagerLinkKeys, type LinkKeys } from './link-keys.js';
import { awsNotifier, type Notifier } from './notifier.js';
import { stepFunctionsWorkflow, type Workflow } from './workflow.js';

export interface Adapters {
  workflow: Workflow;
  notifier: Notifier;
  linkKeys: LinkKeys;
}

let installed: Partial<Adapters> = {};

export function adapters(): Adapters {
  installed.workflow ??= stepFunctionsWorkflow();
  installed.notifier ??= awsNotifier();
  installed.linkKeys ??= secretsManagerLinkKeys();
  return installed as Adapters;
}

export function installAdapters(replacements: Partial<Adapters>): void {
  installed = { ...installed, ...replacements };
}

export function resetAdapters(): void {
  installed = {};
}

export type { LinkKeys, Notifier, Workflow };
