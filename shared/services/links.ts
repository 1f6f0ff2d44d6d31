/**
 * Links that act: staff links open decision pages; patient links are short, because they go in
 * texts. Each is signed for its audience, and names a different id (see store/tasks.ts).
 */
import { config } from '../config.js';
import { type LinkAudience, signLink, verifyLink } from '../domain/links.js';
import { adapters } from '../ports/index.js';

/** The staff link to a step: names the task itself. */
export async function taskLink(taskId: string): Promise<string> {
  return `${config().PUBLIC_BASE_URL}/tasks/${signLink(taskId, 'staff', (await adapters().linkKeys.keyring()).current)}`;
}

/** The patient's link: names the task's patient link id, never the task id. */
export async function patientLink(patientLinkId: string): Promise<string> {
  return `${config().PUBLIC_BASE_URL}/a/${signLink(patientLinkId, 'patient', (await adapters().linkKeys.keyring()).current)}`;
}

/** The id a link names, or null when it was not signed by us for this audience (nothing is looked up). */
export async function linkId(signed: string, audience: LinkAudience): Promise<string | null> {
  return verifyLink(signed, audience, await adapters().linkKeys.keyring());
}
