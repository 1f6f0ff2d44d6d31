/**
 * FHIR R4 structure checks by FHIR.js (the `fhir` package), against the R4 structure definitions
 * and value sets it ships: resource types, element names, cardinality, data types and required
 * code bindings. The service's own rules (NHS number, dates, sizes) are the referral schema's, run
 * after this on the mapped referral.
 */
import { Fhir } from 'fhir';

import type { FhirIssue } from './outcome.js';

let validator: Fhir | undefined;

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
  validator ??= new Fhir();
  const { messages } = validator.validate(resource as object, { errorOnUnexpected: true });
  const entryById = entryPaths(resource);
  return messages
    .filter((m) => m.severity === 'error' || m.severity === 'fatal')
    .map((m) => ({
      code: m.message === 'Missing property' ? 'required' : 'structure',
      expression: expressionOf(m.resourceId, m.location, entryById),
      message: m.message === 'Missing property' ? 'is required' : (m.message ?? 'is not valid FHIR R4'),
    }));
}
