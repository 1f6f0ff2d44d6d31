/**
 * Habits that keep Lambda bundles small (see BENCHMARKS.md). `import { z } from 'zod'` pulls the
 * whole of zod, every locale included (about 370 KB minified), into each bundle; the namespace
 * import `import * as z from 'zod'` lets esbuild keep only what is used (about 90 KB).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { UK_METADATA_FILE, ukPhoneMetadata } from '../../local/phone-metadata.js';
import { REPO_ROOT } from '../../local/runtime.js';
import { sources } from '../support/sources.js';

describe('bundle hygiene', () => {
  it('imports zod as a namespace everywhere Lambda code is bundled from', () => {
    const offenders = [...sources('shared'), ...sources('functions')].filter((file) =>
      /import \{[^}]*\bz\b[^}]*\} from 'zod'/.test(
        readFileSync(join(REPO_ROOT, file), 'utf8').replace(/import type \{[^}]*\} from 'zod'/g, ''),
      ),
    );
    expect(offenders).toEqual([]);
  });
});

describe('UK phone metadata', () => {
  it('matches the installed libphonenumber-js (if not: npm run metadata:phone)', () => {
    expect(JSON.parse(readFileSync(UK_METADATA_FILE, 'utf8'))).toEqual(ukPhoneMetadata());
  });
});
