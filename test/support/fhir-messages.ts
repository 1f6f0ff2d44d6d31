/**
 * The FHIR example message (docs/fhir/example-referral-message.json) and ways to break it that
 * once answered 500: each is refused with 400 naming the element, by unit and HTTP tests alike.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from '../../local/runtime.js';

export const exampleMessage = () => JSON.parse(readFileSync(join(REPO_ROOT, 'docs/fhir/example-referral-message.json'), 'utf8'));

/** Extensions nested `depth` deep: FHIR.js recursed into them until the stack ran out (short URLs: within 64 KB). */
function nestedExtension(depth: number) {
  let extension: Record<string, unknown> = { url: 'u', valueString: 'x' };
  for (let i = 1; i < depth; i++) extension = { url: 'u', extension: [extension] };
  return extension;
}

/** [what it is, how the example is broken, the element the 400 names]. */
export const UNREADABLE_MESSAGES: [string, (message: any) => void, string][] = [
  ['an entry with a null resource', (m) => (m.entry[2].resource = null), 'Bundle.entry[2].resource'],
  ['a null contained resource', (m) => (m.entry[2].resource.contained = [null]), 'Bundle.entry[2].resource.contained[0]'],
  ['a null coding', (m) => (m.entry[1].resource.bodySite[0].coding = [null]), 'Bundle.entry[1].resource.bodySite[0].coding[0]'],
  ...['toString', 'constructor', '__proto__', 'hasOwnProperty'].map((type): [string, (message: any) => void, string] => [
    `resourceType "${type}"`,
    (m) => (m.entry[2].resource.resourceType = type),
    'Bundle.entry[2].resource.resourceType',
  ]),
  [
    'a code that is an object with toString',
    (m) => (m.entry[1].resource.bodySite[0].coding[0].code = { toString: 1 }),
    'Bundle.entry[1].resource.bodySite[0].coding[0].code.toString',
  ],
  ['extensions nested 2,000 deep', (m) => (m.entry[2].resource.extension = [nestedExtension(2_000)]), 'Bundle.entry[2].resource.extension'],
];
