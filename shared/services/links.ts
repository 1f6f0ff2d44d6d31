/**
 * Links that act: staff links open decision pages; patient links are short, because they go in
 * texts. Each is signed for its audience, and names a different id (see store/tasks.ts).
 */
import { config } from '../config.js';
import { keyTag, type LinkAudience, signLink, verifyLink } from '../domain/links.js';
import { adapters } from '../ports/index.js';

/** The staff link to a step: names the task itself. */
export async function taskLink(taskId: string): Promise<string> {
  return `${config().PUBLIC_BASE_URL}/tasks/${signLink(taskId, 'staff', (await adapters().linkKeys.keyring()).current)}`;
}

/** The patient's link: names the task's patient link id, never the task id. */
export async function patientLink(patientLinkId: string): Promise<string> {
  return `${config().PUBLIC_BASE_URL}/a/${signLink(patientLinkId, 'patient', (await adapters().linkKeys.keyring()).current)}`;
}

/**
 * The id a link names, or null when it was not signed by us for this audience (nothing is looked
 * up). A link naming a key this container does not hold (rotated in the last five minutes) has the
 * keys read again, once.
 */
export async function linkId(signed: string, audience: LinkAudience): Promise<string | null> {
  const keys = await adapters().linkKeys.keyring();
  const id = verifyLink(signed, audience, keys);
  if (id) return id;
  const tag = /^[A-Za-z0-9_-]{16}\.([A-Za-z0-9_-])/.exec(signed)?.[1];
  const known = [keys.current, keys.previous].some((key) => key && keyTag(key) === tag);
  return tag && !known ? verifyLink(signed, audience, await adapters().linkKeys.keyring({ refresh: true })) : null;
}
