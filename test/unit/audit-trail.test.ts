/**
 * The audit trail is append-only: events are only ever written by one function, as a Put that
 * fails if the event exists, and no code builds an event key for an update or a delete. (The
 * retention test checks that removing personal data leaves every event as written.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { REPO_ROOT } from '../../local/runtime.js';
import { sources } from '../support/sources.js';

describe('audit trail', () => {
  const code = [...sources('shared'), ...sources('functions'), ...sources('local')].map((file) => ({
    file,
    text: readFileSync(join(REPO_ROOT, file), 'utf8'),
  }));

  it('builds event keys in one place only', () => {
    const users = code.filter(({ text }) => /keys\.event\(|EVENT#/.test(text)).map(({ file }) => file);
    expect(users.sort()).toEqual(['shared/store/referrals.ts', 'shared/tables.ts']);
  });

  it('writes events only as conditional Puts: never updated, never deleted', () => {
    const store = code.find(({ file }) => file === 'shared/store/referrals.ts')!.text;
    const writes = [...store.matchAll(/(\w+): \{[^{}]*Item: eventItem\([^)]*\),\s*ConditionExpression: '([^']+)'/g)];
    expect(writes.map(([, operation, condition]) => [operation, condition])).toEqual([
      ['Put', 'attribute_not_exists(pk)'],
      ['Put', 'attribute_not_exists(pk)'],
    ]);
    expect(store.match(/eventItem\(/g)).toHaveLength(3); // its definition and the two Puts
    expect(store).not.toMatch(/Delete: \{[^}]*EVENT#|Update: \{[^}]*EVENT#/);
  });
});
