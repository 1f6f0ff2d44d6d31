/** The TypeScript files under a folder of the repo, as repo-relative paths (for checks on the code itself). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from '../../local/runtime.js';

export function sources(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}
