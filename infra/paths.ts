import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ASL_FILE = join(REPO_ROOT, 'statemachines', 'referral.asl.json');
