import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';

import { fixedClock, useClock } from '../../shared/clock.js';
import { referralRequestSchema } from '../../shared/domain/referral.js';
import { fieldIssues } from '../../shared/http/api.js';
import { validReferral, withComplaint, withPatient } from '../support/fixtures.js';

function issuesOf(body: unknown) {
  const result = referralRequestSchema.safeParse(body, { reportInput: true });
  return result.success ? [] : fieldIssues(result.error);
}
const paths = (body: unknown) => issuesOf(body).map((i) => i.path);

describe('referral request schema', () => {
  let restore = () => {};
  afterEach(() => restore());

  it('accepts the contract example and normalises it', () => {
    const parsed = referralRequestSchema.parse({
      ...validReferral(),
      referrer: { odsCode: 'p81001', name: 'Dr A Patel', email: 'a.patel@example.nhs.uk' },
    });
    expect(parsed.patient.mobile).toBe('+447700900123');
    expect(parsed.patient.postcode).toBe('PR7 1AA');
    expect(parsed.referrer?.odsCode).toBe('P81001');
  });

  it('accepts a self-referral without referrer or mobile', () => {
    const { referrer, ...rest } = validReferral({ source: 'self' });
    const { mobile, ...patient } = rest.patient;
    expect(issuesOf({ ...rest, patient })).toEqual([]);
    expect(referrer).toBeDefined();
  });

  it.each([
    ['a failing check digit', withPatient({ nhsNumber: '9434765918' }), 'patient.nhsNumber', /check digit/],
    ['a short NHS number', withPatient({ nhsNumber: '12345' }), 'patient.nhsNumber', /10 digits/],
    ['a landline as mobile', withPatient({ mobile: '01772 123456' }), 'patient.mobile', /UK mobile/],
    ['a date of birth that is not a date', withPatient({ dateOfBirth: '12/04/1978' }), 'patient.dateOfBirth', /YYYY-MM-DD/],
    ['an impossible date', withPatient({ dateOfBirth: '1978-02-30' }), 'patient.dateOfBirth', /YYYY-MM-DD/],
    ['a bad postcode', withPatient({ postcode: 'NOT A PC' }), 'patient.postcode', /postcode/],
    ['an empty given name', withPatient({ givenName: '  ' }), 'patient.givenName', /empty/],
    ['an unknown body site', withComplaint({ bodySite: 'toe' }), 'complaint.bodySite', /must be one of/],
    ['a pain score over 10', withComplaint({ painScore: 11 }), 'complaint.painScore', /0 to 10/],
    ['a fractional duration', withComplaint({ durationWeeks: 1.5 }), 'complaint.durationWeeks', /whole number/],
    ['a string where a number belongs', withComplaint({ painScore: '7' }), 'complaint.painScore', /number/],
    ['an unknown red flag', validReferral({ redFlags: ['headache'] }), 'redFlags.0', /must be one of/],
    ['a repeated red flag', validReferral({ redFlags: ['recent-trauma', 'recent-trauma'] }), 'redFlags', /repeat/],
    ['an unknown source', validReferral({ source: 'fax' }), 'source', /"gp" or "self"/],
    ['a GP referral without referrer', validReferral({ referrer: undefined }), 'referrer', /required when source is "gp"/],
    ['a self-referral with a referrer', validReferral({ source: 'self' }), 'referrer', /left out/],
    [
      'a bad referrer email',
      validReferral({ referrer: { odsCode: 'P81001', name: 'Dr A', email: 'not-an-email' } }),
      'referrer.email',
      /email/,
    ],
    [
      'a bad ODS code',
      validReferral({ referrer: { odsCode: 'P8-1001', name: 'Dr A', email: 'a@example.nhs.uk' } }),
      'referrer.odsCode',
      /ODS/,
    ],
    ['an unknown top-level field', validReferral({ notes: 'x' }), 'notes', /not a recognised field/],
    ['an unknown nested field', withPatient({ nickname: 'x' }), 'patient.nickname', /not a recognised field/],
    ['a missing field', withComplaint({ summary: undefined }), 'complaint.summary', /required/],
    ['a control character', withComplaint({ summary: 'pain\u0000' }), 'complaint.summary', /control/],
  ])('refuses %s, naming the field', (_, body, path, message) => {
    const issues = issuesOf(body);
    const issue = issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue!.message).toMatch(message);
  });

  it('refuses hidden and reordering characters (bidi overrides, zero-width, C0 and C1 controls) in names and summaries', () => {
    for (const hidden of [
      '\u202E',
      '\u2066',
      '\u200B',
      '\u0085',
      '\u0007',
      '\uFEFF',
      '\u2028',
      '\u034F',
      '\u3164',
      '\uE000',
      '\u{E0100}',
      '\u{E0041}',
    ]) {
      const body = withPatient({ givenName: `Ro${hidden}bin`, familyName: `Sm${hidden}ith` });
      body.complaint.summary = `Knee${hidden} pain`;
      const issues = issuesOf(body);
      expect(
        issues.map((i) => i.path),
        JSON.stringify(hidden),
      ).toEqual(['patient.givenName', 'patient.familyName', 'complaint.summary']);
      expect(issues[0]!.message).toMatch(/must not contain control characters or invisible formatting/);
    }
    // Emoji as people type them (joiner, presentation selector) are fine in a summary, not in a name.
    expect(paths(withComplaint({ summary: 'Knee pain \u{1F44D}\uFE0F \u{1F469}\u200D\u{1F9B3}' }))).toEqual([]);
    expect(paths(withPatient({ givenName: 'Ro\uFE0Fbin' }))).toEqual(['patient.givenName']);
    // A summary may have line breaks; a name may not.
    expect(paths(withComplaint({ summary: 'Knee pain\non stairs\r\nsince May' }))).toEqual([]);
    expect(paths(withPatient({ givenName: 'Ro\nbin' }))).toEqual(['patient.givenName']);
  });

  it('stores names and summaries composed (NFC), so one name is one string however it was typed', () => {
    const parsed = referralRequestSchema.parse(withPatient({ givenName: 'Rene\u0301e', familyName: 'Bront\u00eb' }));
    expect(parsed.patient.givenName).toBe('Ren\u00e9e');
    expect(parsed.patient.givenName).toHaveLength(5);
    expect(parsed.patient.familyName).toBe('Bront\u00eb');
  });

  it('refuses a date of birth in the future, by the service clock', () => {
    restore = useClock(fixedClock('2026-11-22T12:00:00Z'));
    expect(paths(withPatient({ dateOfBirth: '2026-11-23' }))).toEqual(['patient.dateOfBirth']);
    expect(paths(withPatient({ dateOfBirth: '2026-11-22' }))).toEqual([]);
  });

  it('names every bad field in one answer', () => {
    const body = {
      source: 'gp',
      patient: { nhsNumber: '9434765918', dateOfBirth: '2999-01-01', mobile: '01772 123456' },
      complaint: { bodySite: 'toe' },
      extra: 1,
    };
    expect(paths(body)).toEqual(
      expect.arrayContaining([
        'patient.nhsNumber',
        'patient.givenName',
        'patient.familyName',
        'patient.dateOfBirth',
        'patient.mobile',
        'patient.postcode',
        'complaint.bodySite',
        'complaint.summary',
        'redFlags',
        'extra',
        'referrer',
      ]),
    );
  });

  it('answers any JSON value with field issues, never a throw', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const result = referralRequestSchema.safeParse(value, { reportInput: true });
        return !result.success && fieldIssues(result.error).every((i) => typeof i.path === 'string' && i.message.length > 0);
      }),
      { numRuns: 500 },
    );
  });
});
