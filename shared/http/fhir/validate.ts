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

/** Where each resource is, by the name FHIR.js gives it: `Type/id`, or `Type/<its path from the resource around it>`. */
type ResourceIndex = Map<string, { at: string; id?: string }[]>;

/**
 * Every resource in `resource` (itself, bundle entries, contained ones) by how FHIR.js names it in
 * a message: its type with its `id`, or, without one, its path from the resource it is in (the
 * outermost without an id is `#initial`). Keyed by type as well, so that a Patient and a
 * Practitioner sharing an id are told apart.
 */
function indexResources(resource: unknown, root: string): ResourceIndex {
  const index: ResourceIndex = new Map();
  const visit = (node: unknown, at: string, relative: string, outermost: boolean): void => {
    if (typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, `${at}[${i}]`, `${relative}[${i}]`, false));
      return;
    }
    const { resourceType, id } = node as { resourceType?: unknown; id?: unknown };
    let inside = relative;
    if (typeof resourceType === 'string') {
      const named = typeof id === 'string' && id ? id : undefined;
      const key = `${resourceType}/${named ?? (outermost ? '#initial' : relative)}`;
      index.set(key, [...(index.get(key) ?? []), { at, id: named }]);
      inside = resourceType;
    }
    for (const [key, child] of Object.entries(node)) visit(child, `${at}.${key}`, `${inside}.${key}`, false);
  };
  visit(resource, root, root, true);
  return index;
}

/**
 * Where FHIR.js found an error, as a FHIRPath expression from the resource posted. Its `location`
 * starts with the type of the resource at fault (`ServiceRequest.bodySite[0]`), and its
 * `resourceId` names that resource as `indexResources` keys it. Two resources of one type and one
 * id cannot be told apart, so the expression then selects both.
 */
function expressionOf(resourceId: unknown, location: unknown, index: ResourceIndex, root: string): string {
  const where = typeof location === 'string' ? location : '';
  const dot = where.indexOf('.');
  const [type, rest] = dot === -1 ? [where, ''] : [where.slice(0, dot), where.slice(dot)];
  const found = typeof resourceId === 'string' && type ? index.get(`${type}/${resourceId}`) : undefined;
  if (!found) {
    // No type: a resource without a (known) resourceType, named by its path from the root when it has no id.
    return typeof resourceId === 'string' && resourceId.startsWith(`${root}.`) ? resourceId : root;
  }
  if (found.length === 1) return `${found[0]!.at}${rest}`;
  const id = found[0]!.id;
  return `${root}.descendants().ofType(${type})${id ? `.where(id='${id.replace(/['\\]/g, '\\$&')}')` : ''}${rest}`;
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
  const index = indexResources(resource, root);
  return messages
    .filter((m) => m.severity === 'error' || m.severity === 'fatal')
    .map((m) => ({
      code: m.message === 'Missing property' ? 'required' : 'structure',
      expression: expressionOf(m.resourceId, m.location, index, root),
      message: m.message === 'Missing property' ? 'is required' : (m.message ?? 'is not valid FHIR R4'),
    }));
}
