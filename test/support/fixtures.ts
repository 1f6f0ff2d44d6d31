import type { FigureRules } from '../../shared/domain/figures.js';

/** The referral from the API contract (issue 2), and ways to vary it. */
export function validReferral(overrides: Record<string, unknown> = {}) {
  return {
    source: 'gp',
    referrer: { odsCode: 'P81001', name: 'Dr A Patel', email: 'a.patel@example.nhs.uk' },
    patient: {
      nhsNumber: '9434765919',
      givenName: 'Sam',
      familyName: 'Jones',
      dateOfBirth: '1978-04-12',
      mobile: '07700 900123',
      postcode: 'PR7 1AA',
    },
    complaint: { bodySite: 'lower-back', summary: 'Six weeks of low back pain after lifting', durationWeeks: 6, painScore: 7 },
    redFlags: [] as string[],
    ...overrides,
  };
}

export function withPatient(patient: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  const base = validReferral(overrides);
  return { ...base, patient: { ...base.patient, ...patient } };
}

export function withComplaint(complaint: Record<string, unknown>) {
  const base = validReferral();
  return { ...base, complaint: { ...base.complaint, ...complaint } };
}

/** The service's default rules, for figures built from fixtures. */
export const FIGURE_RULES: FigureRules = {
  triageSlaHours: 24,
  urgentWindowDays: 5,
  routineWindowDays: 28,
  firstContactHours: 48,
  firstContactTargetPercent: 90,
  fftTargetPercent: 90,
};
