/**
 * One vocabulary: the words the state machine branches on and passes to functions are the ones
 * shared/domain/vocabulary.ts lists, and every status a referral can have is accounted for (closed,
 * failed, or a wait the local runtime knows how to resume).
 */
import { describe, expect, it } from 'vitest';

import { type AslState, loadDefinition } from '../../local/definition.js';
import { resumePoints } from '../../local/resume.js';
import {
  CLOSED_STATUSES,
  FAILED_STATUSES,
  NOTICES,
  REFERRAL_STATUSES,
  ROUTE_STATUS,
  ROUTES,
  STEP_KINDS,
  STEP_LINKS,
} from '../../shared/domain/vocabulary.js';
import { DECISION_PAGES } from '../../shared/http/task-pages.js';
import { STEPS } from '../../shared/services/steps/index.js';

const states = loadDefinition().States;
const payload = (s: AslState) =>
  ((s.Parameters as { Payload?: Record<string, unknown> } | undefined)?.Payload ?? {}) as Record<string, unknown>;
type Choice = { Variable: string; StringEquals?: string; BooleanEquals?: boolean; Next: string };
const choices = (name: string) => (states[name]!.Choices ?? []) as unknown as Choice[];

describe('the vocabulary and the state machine', () => {
  it('routes decisions only on routes the vocabulary lists, and every route either has its own branch or is a notice', () => {
    const branched = choices('RouteDecision').map((c) => c.StringEquals!);
    expect(ROUTES).toEqual(expect.arrayContaining(branched));
    expect(states.RouteDecision!.Default).toBe('NotifyOutcome');
    // What falls through to NotifyOutcome is passed on as its notice, so it must be one.
    for (const route of ROUTES.filter((r) => !branched.includes(r))) expect(NOTICES, route).toContain(route);
  });

  it('passes notify-outcome only notices the vocabulary lists', () => {
    const fixed = Object.values(states)
      .map((s) => payload(s).notice)
      .filter((n): n is string => typeof n === 'string');
    expect(fixed.length).toBeGreaterThan(0);
    for (const notice of fixed) expect(NOTICES).toContain(notice);
    expect(payload(states.NotifyOutcome!)['notice.$']).toBe('$.decided.routing.route');
  });

  it('opens and times only the steps the registry has, each with a waiting Task and a timer', () => {
    const kinds = new Set(
      Object.values(states)
        .map((s) => payload(s).kind)
        .filter(Boolean),
    );
    expect([...kinds].sort()).toEqual([...STEP_KINDS].sort());
    for (const kind of STEP_KINDS) {
      const withKind = Object.values(states).filter((s) => payload(s).kind === kind);
      expect(
        withKind.some((s) => String(s.Resource).endsWith('.waitForTaskToken')),
        `${kind} waits`,
      ).toBe(true);
      expect(
        withKind.some((s) => String((s.Parameters as { FunctionName: string }).FunctionName).endsWith(':taskTimer')),
        `${kind} timer`,
      ).toBe(true);
    }
  });

  it('registers each step under its own kind, at a state the ASL has', () => {
    for (const [kind, step] of Object.entries(STEPS)) {
      expect(step.kind).toBe(kind);
      expect(states[step.waits.state], step.waits.state).toBeDefined();
      // A step anyone acts on through a link must know how to take the decision.
      const links = STEP_LINKS[step.kind];
      if (links.staff || links.patient) expect(step.decide, kind).toBeTypeOf('function');
      // ... and a step staff decide through a link needs its decision page.
      expect(Boolean(DECISION_PAGES[step.kind]), `${kind} decision page`).toBe(links.staff);
    }
  });

  it('accounts for every status: closed, failed, or a wait the local runtime can resume', async () => {
    // `accepted` only passes: the same transaction that accepts hands on to PrepareBooking.
    const passing = ['accepted'];
    const resumable = Object.keys(await resumePoints());
    for (const status of REFERRAL_STATUSES) {
      const accounted = [...CLOSED_STATUSES, ...FAILED_STATUSES, ...resumable, ...passing] as string[];
      expect(accounted, status).toContain(status);
    }
    for (const status of resumable) expect(REFERRAL_STATUSES).toContain(status);
  });

  it('leaves each route in a status the vocabulary lists', () => {
    for (const route of ROUTES) expect(REFERRAL_STATUSES).toContain(ROUTE_STATUS[route]);
  });
});
