/** The real ASL file: valid, and executed over DynamoDB Local with the real handlers. */
import aslValidator from 'asl-validator';
import { beforeEach, describe, expect, it } from 'vitest';

import { adaptForLocalRun, loadDefinition, transitions } from '../../local/definition.js';
import { validReferral } from '../support/fixtures.js';
import { until, workflowHarness } from '../support/harness.js';

let h: Awaited<ReturnType<typeof workflowHarness>>;
beforeEach(async () => {
  h = await workflowHarness();
});

describe('referral state machine', () => {
  it('is valid ASL (asl-validator) with every placeholder filled', () => {
    const { isValid, errors } = aslValidator(loadDefinition() as never);
    expect(errors).toEqual([]);
    expect(isValid).toBe(true);
  });

  it('keeps the same states and transitions when adapted for a sped-up local run', () => {
    const original = loadDefinition();
    const adapted = adaptForLocalRun(original, 3600);
    expect(Object.keys(adapted.States)).toEqual(Object.keys(original.States));
    expect(transitions(adapted)).toEqual(transitions(original));
    expect(adapted.States.AwaitTriage).toMatchObject({ Parameters: { 'LocalTimeoutSeconds.$': '$.triage.timers.nextInSeconds' } });
    expect(adapted.States.AwaitTriage!.TimeoutSecondsPath).toBeUndefined();
    expect(adapted.States.ScreenReferral!.TimeoutSeconds).toBe(30); // compute timeouts do not speed up
  });

  it('screens, acknowledges by SMS, and waits for triage with the team emailed a link', async () => {
    const id = await h.refer(validReferral());
    const email = await until(() => h.messages({ channel: 'email', to: 'triage-team' })[0], 'the triage email');
    // The email goes out a moment before its event is written.
    const { referral, timeline } = await until(async () => {
      const loaded = await h.load(id);
      return loaded.timeline.some((e) => e.type === 'triage_team_emailed') && loaded;
    }, 'the triage step to settle');
    expect(referral.status).toBe('awaiting_triage');
    expect(referral.screening).toMatchObject({ priority: 'routine', service: 'physiotherapy' });
    // The acknowledgement carries the baseline questionnaire's link, made first (questionnaire_invited).
    expect(timeline.map((e) => e.type)).toEqual([
      'received',
      'screened',
      'questionnaire_invited',
      'patient_texted',
      'task_opened',
      'triage_team_emailed',
    ]);
    const [sms] = h.messages({ channel: 'sms' });
    expect(sms).toMatchObject({ to: '+447700900123' });
    expect(sms!.body).not.toMatch(/back|pain|9434765919|Jones/i);
    expect(email.body).toMatch(/http:\/\/localhost:3000\/tasks\/[\w-]{16}\.[\w-]{16}/);
    expect(email.body).not.toMatch(/Sam|Jones|9434765919|back/i);
    expect(h.workflow.execution(id)?.status).toBe('RUNNING');
    expect(h.workflow.waitingCount()).toBe(1);
  });

  it('sends no SMS when there is no mobile, and still waits for triage', async () => {
    const { mobile, ...patient } = validReferral().patient;
    const id = await h.refer({ ...validReferral(), patient });
    await until(() => h.messages({ channel: 'email' })[0], 'the triage email');
    expect(mobile).toBeTruthy();
    expect((await h.load(id)).referral.status).toBe('awaiting_triage');
    expect(h.messages({ channel: 'sms' })).toEqual([]);
  });

  it('starts one execution per referral however often it is asked', async () => {
    const id = await h.refer(validReferral());
    expect(await h.workflow.startReferralWorkflow({ referralId: id })).toEqual({ alreadyStarted: true });
    await until(() => h.messages({ channel: 'email' })[0], 'the triage email');
    expect(h.workflow.list()).toHaveLength(1);
    expect(h.messages({ channel: 'sms' })).toHaveLength(1);
  });
});
