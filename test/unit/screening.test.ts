import { describe, expect, it } from 'vitest';

import { type BodySite, RED_FLAGS, type RedFlag } from '../../shared/domain/referral.js';
import { RED_FLAG_RULES, screenReferral, SERVICES } from '../../shared/domain/screening.js';

const referral = (bodySite: BodySite, redFlags: RedFlag[] = [], durationWeeks = 4, painScore = 5) => ({
  complaint: { bodySite, summary: 'x', durationWeeks, painScore },
  redFlags,
});

describe('screening', () => {
  it.each(['bladder-or-bowel-dysfunction', 'saddle-anaesthesia', 'progressive-leg-weakness'] as const)(
    'treats %s as an emergency (suspected cauda equina)',
    (flag) => {
      const result = screenReferral(referral('lower-back', [flag]));
      expect(result.priority).toBe('emergency');
      expect(result.reasons).toContain('suspected cauda equina syndrome');
    },
  );

  it.each([
    ['history-of-cancer', 'possible cancer'],
    ['unexplained-weight-loss', 'possible cancer'],
    ['fever-or-infection-risk', 'possible infection'],
    ['recent-trauma', 'possible fracture'],
    ['inflammatory-symptoms', 'possible inflammatory arthritis'],
  ] as const)('makes %s urgent (%s)', (flag, suspicion) => {
    const result = screenReferral(referral('knee', [flag]));
    expect(result.priority).toBe('urgent');
    expect(result.reasons).toContain(suspicion);
  });

  it('has a rule for every red flag the API accepts', () => {
    expect(Object.keys(RED_FLAG_RULES).sort()).toEqual([...RED_FLAGS].sort());
  });

  it('takes the most serious flag when there are several', () => {
    expect(screenReferral(referral('lower-back', ['recent-trauma', 'saddle-anaesthesia'])).priority).toBe('emergency');
  });

  it('is routine with no red flags', () => {
    expect(screenReferral(referral('elbow')).priority).toBe('routine');
  });

  it.each([
    ['knee', [], 4, 5, 'physiotherapy'],
    ['knee', [], 16, 8, 'orthopaedic-triage'],
    ['hip', [], 12, 7, 'orthopaedic-triage'],
    ['lower-back', [], 6, 7, 'physiotherapy'],
    ['lower-back', [], 14, 5, 'spinal'],
    ['neck', [], 30, 9, 'pain-management'],
    ['foot-ankle', [], 30, 9, 'podiatry'],
    ['multiple-joints', [], 2, 3, 'rheumatology'],
    ['wrist-hand', ['inflammatory-symptoms'], 2, 3, 'rheumatology'],
  ] as const)('suggests a service: %s, flags %j, %i weeks, pain %i -> %s', (site, flags, weeks, pain, service) => {
    const result = screenReferral(referral(site, [...flags], weeks, pain));
    expect(result.service).toBe(service);
    expect(SERVICES[result.service]).toBeTruthy();
  });
});
