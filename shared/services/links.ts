/** Links that act: staff links open decision pages; patient links are short, because they go in texts. */
import { config } from '../config.js';
import { signLink } from '../domain/links.js';
import { adapters } from '../ports/index.js';

export async function taskLink(taskId: string): Promise<string> {
  return `${config().PUBLIC_BASE_URL}/tasks/${signLink(taskId, await adapters().linkKeys.signingKey())}`;
}

export async function patientLink(taskId: string): Promise<string> {
  return `${config().PUBLIC_BASE_URL}/a/${signLink(taskId, await adapters().linkKeys.signingKey())}`;
}
