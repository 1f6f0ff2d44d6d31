/**
 * FHIR R4 structure checks by FHIR.js (the `fhir` package), against the R4 structure definitions
 * and value sets it ships: resource types, element names, cardinality, data types and required
 * code bindings. The service's own rules (NHS number, dates, sizes) are the referral schema's, run
 * after this on the mapped referral.
 *
 * FHIR.js trusts its input: it recurses once per level, reads `null` as an object, and looks
 * resource types up on a plain object (so `"resourceType": "toString"` finds a function). What it
 * cannot be trusted with is refused here before it runs, and anything it still throws on is a 400.
 */
import { Fhir } from 'fhir';

import type { FhirIssue } from './outcome.js';

let validator: Fhir | undefined;
const fhir = () => (validator ??= new Fhir());

/**
 * How deeply JSON may nest. A referral message nests about 10 levels (extensions a few more);
 * FHIR.js's recursion overflows the stack at about 2,000 and spends seconds of CPU well before.
 */
export const MAX_DEPTH = 64;
/** Issues the pre-check lists at most: a body full of nulls is refused without a megabyte of issues. */
const MAX_PRE_ISSUES = 20;

/** A FHIRPath step to a JSON key: the key itself, or `backticked` when it is not an identifier. */
const step = (at: string, key: string) =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${at}.${key}` : `${at}.\`${key.replace(/[`\\]/g, '\\$&')}\``;

/** An R4 resource type FHIR.js knows (its table also holds data types, and Object.prototype's names). */
function isResourceType(name: unknown): boolean {
  const definitions = fhir().parser.parsedStructureDefinitions;
  return typeof name === 'string' && Object.hasOwn(definitions, name) && definitions[name]!._kind === 'resource';
}

/**
 * What FHIR.js cannot be given: nesting deeper than MAX_DEPTH, `null` anywhere (FHIR JSON leaves
 * out an element with no value), a key that names something every object has (`hasOwnProperty`),
 * and a `resourceType` that is not an R4 resource. Each names its element from `root`.
 */
function unsafeJson(value: unknown, root: string): FhirIssue[] {
  const issues: FhirIssue[] = [];
  const visit = (node: unknown, at: string, depth: number): void => {
    if (issues.length >= MAX_PRE_ISSUES) return;
    if (node === null) {
      issues.push({ code: 'structure', expression: at, message: 'must not be null: leave out an element that has no value' });
      return;
    }
    if (typeof node !== 'object') return;
    if (depth > MAX_DEPTH) {
      issues.push({ code: 'structure', expression: at, message: `is nested more than ${MAX_DEPTH} levels deep` });
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, `${at}[${i}]`, depth + 1));
      return;
    }
    for (const [key, child] of Object.entries(node)) {
      if (Object.hasOwn(Object.prototype, key)) {
        issues.push({ code: 'structure', expression: step(at, key), message: 'is not a FHIR R4 element' });
      } else if (key === 'resourceType' && !isResourceType(child)) {
        issues.push({ code: 'structure', expression: step(at, key), message: 'is not a FHIR R4 resource type' });
      } else {
        visit(child, step(at, key), depth + 1);
      }
    }
  };
  visit(value, root, 1);
  return issues;
}

/**
 * Where FHIR.js found an error, as a FHIRPath expression from the resource posted. Its
 * `resourceId` names the resource in a bundle (its `id`, or `Bundle.entry[1].resource` when it
 * has none) and its `location` starts with that resource's type (`ServiceRequest.bodySite[0]`).
 */
function expressionOf(resourceId: string | undefined, location: string | undefined, entryById: Map<string, string>): string {
  const where = location ?? '';
  if (!resourceId || resourceId === '#initial') return where || 'Bundle';
  const resource = entryById.get(resourceId) ?? resourceId;
  const dot = where.indexOf('.');
  return dot === -1 ? resource : `${resource}${where.slice(dot)}`;
}

/** A bundle's entries by resource id: `Bundle.entry[i].resource`. */
function entryPaths(resource: unknown): Map<string, string> {
  const entries = (resource as { entry?: unknown }).entry;
  const paths = new Map<string, string>();
  if (Array.isArray(entries)) {
    entries.forEach((entry: { resource?: { id?: unknown } } | null, i) => {
      const id = entry?.resource?.id;
      if (typeof id === 'string' && !paths.has(id)) paths.set(id, `Bundle.entry[${i}].resource`);
    });
  }
  return paths;
}

/** Errors only: FHIR.js's warnings and notes (example value sets it does not ship) do not refuse a resource. */
export function structureIssues(resource: unknown): FhirIssue[] {
  const type = (resource as { resourceType?: unknown } | null)?.resourceType;
  const root = typeof type === 'string' && isResourceType(type) ? type : 'Bundle';
  const unsafe = unsafeJson(resource, root);
  if (unsafe.length) return unsafe;
  let messages;
  try {
    ({ messages } = fhir().validate(resource as object, { errorOnUnexpected: true }));
  } catch {
    // What the checks above did not foresee: still the sender's JSON, never a 5xx.
    return [
      { code: 'structure', expression: root, message: 'could not be read as FHIR R4 (check it against the R4 structure definitions)' },
    ];
  }
  const entryById = entryPaths(resource);
  return messages
    .filter((m) => m.severity === 'error' || m.severity === 'fatal')
    .map((m) => ({
      code: m.message === 'Missing property' ? 'required' : 'structure',
      expression: expressionOf(m.resourceId, m.location, entryById),
      message: m.message === 'Missing property' ? 'is required' : (m.message ?? 'is not valid FHIR R4'),
    }));
}
