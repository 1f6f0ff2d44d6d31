import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ASL_FILE = join(REPO_ROOT, 'statemachines', 'referral.asl.json');
