/**
 * Staff and what each may do. Roles are the staff pool's groups (in AWS, Cognito groups with these
 * names; locally, the stand-in's users). A page or action outside a person's roles is refused.
 */
import type { StepKind } from './vocabulary.js';

export const STAFF_ROLES = {
  'triage-clinician': 'Triage clinician',
  'senior-clinician': 'Senior clinician',
  'booking-team': 'Booking team',
  'clinic-staff': 'Clinic staff',
  'service-lead': 'Service lead',
} as const;
export type StaffRole = keyof typeof STAFF_ROLES;

/** A signed-in person: the id the identity provider gives them, the name people see, their roles. */
export interface StaffUser {
  id: string;
  name: string;
  roles: StaffRole[];
}

/** Who decides each step (the service lead may do everything). */
export const DECIDED_BY: Record<StepKind, readonly StaffRole[]> = {
  // First contact calls are made by physiotherapists who triage: the triage clinicians.
  call: ['triage-clinician'],
  triage: ['triage-clinician'],
  'senior-review': ['senior-clinician'],
  information: [],
  booking: ['booking-team'],
  outcome: ['clinic-staff'],
};

export function hasRole(user: StaffUser, ...roles: StaffRole[]): boolean {
  return user.roles.includes('service-lead') || roles.some((role) => user.roles.includes(role));
}

export function mayDecide(user: StaffUser, kind: StepKind): boolean {
  return hasRole(user, ...DECIDED_BY[kind]);
}

/** Roles from a token's groups claim (a list, or a comma-separated string), ignoring groups that are not roles. */
export function rolesFrom(groups: unknown): StaffRole[] {
  const list = Array.isArray(groups) ? groups : typeof groups === 'string' ? groups.split(',') : [];
  return list.map((g) => String(g).trim()).filter((g): g is StaffRole => g in STAFF_ROLES);
}

/** The person an ID token names (Cognito's claims): sub, a display name, and the roles from cognito:groups. */
export function staffUserFromClaims(claims: Record<string, unknown>): StaffUser {
  const id = String(claims.sub ?? claims['cognito:username'] ?? '');
  const name = String(claims.name ?? claims.email ?? claims['cognito:username'] ?? id);
  return { id, name, roles: rolesFrom(claims['cognito:groups']) };
}
