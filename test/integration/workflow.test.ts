/** The real ASL file: valid, and executed end to end over DynamoDB Local with the real handlers. */
import aslValidator from 'asl-validator';
import { beforeEach, describe, expect, it } from 'vitest';
import { Outbox, outboxNotifier } from '../../local/outbox.js';
import { loadDefinition, LocalWorkflow } from '../../local/workflow-runner.js';
import { referralRequestSchema } from '../../shared/domain/referral.js';
import { installAdapters } from '../../shared/ports/index.js';
import { acceptReferral } from '../../shared/services/intake.js';
import { getReferralWithTimeline } from '../../shared/store/referrals.js';
import { useFreshTable } from '../support/dynamodb.js';
import { validReferral, withPatient } from '../support/fixtures.js';

let workflow: LocalWorkflow;
let outbox: Outbox;

beforeEach(async () => {
  await useFreshTable();
  workflow = new LocalWorkflow({ retryPauseMs: 0 });
  outbox = new Outbox(undefined, () => undefined);
  installAdapters({ workflow, notifier: outboxNotifier(outbox) });
});

async function refer(body: unknown) {
  const { referral } = await acceptReferral(referralRequestSchema.parse(body), { clientId: 'gp-1' });
  await workflow.execution(referral.id)!.done;
  return (await getReferralWithTimeline(referral.id))!;
}

describe('referral state machine', () => {
  it('is valid ASL (asl-validator) with every placeholder filled', () => {
    const { isValid, errors } = aslValidator(loadDefinition() as never);
    expect(errors).toEqual([]);
    expect(isValid).toBe(true);
  });

  it('screens a referral, records it, and texts the patient an acknowledgement', async () => {
    const { referral, timeline } = await refer(validReferral());
    expect(workflow.execution(referral.id)?.status).toBe('SUCCEEDED');
    expect(referral.status).toBe('awaiting_triage');
    expect(referral.screening).toMatchObject({ priority: 'routine', service: 'physiotherapy' });
    expect(timeline.map((e) => e.type)).toEqual(['received', 'screened', 'patient_texted']);
    const [sms] = outbox.list();
    expect(sms).toMatchObject({ channel: 'sms', to: '+447700900123' });
    expect(sms!.body).toContain('MSK Service');
    expect(sms!.body).not.toMatch(/back|pain|9434765919|Jones/i);
  });

  it('raises the priority for red flags', async () => {
    const { referral } = await refer(validReferral({ redFlags: ['saddle-anaesthesia'] }));
    expect(referral.screening?.priority).toBe('emergency');
  });

  it('sends no SMS when there is no mobile, and still reaches awaiting_triage', async () => {
    const { mobile, ...patient } = validReferral().patient;
    const { referral, timeline } = await refer({ ...validReferral(), patient });
    expect(mobile).toBeTruthy();
    expect(referral.status).toBe('awaiting_triage');
    expect(timeline.map((e) => e.type)).toEqual(['received', 'screened']);
    expect(outbox.list()).toEqual([]);
  });

  it('ends a referral whose SMS keeps failing as workflow_failed, after retrying, never silently', async () => {
    let attempts = 0;
    installAdapters({
      notifier: {
        sendSms: async () => {
          attempts++;
          throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        },
      },
    });
    const { referral, timeline } = await refer(withPatient({ givenName: 'Alex' }));
    expect(attempts).toBe(5); // the first try and four retries
    expect(workflow.execution(referral.id)?.status).toBe('FAILED');
    expect(referral.status).toBe('workflow_failed');
    expect(timeline.at(-1)).toMatchObject({ type: 'workflow_failed', detail: { error: 'ThrottlingException' } });
  });

  it('starts one execution per referral however often it is asked', async () => {
    const { referral } = await acceptReferral(referralRequestSchema.parse(validReferral()), { clientId: 'gp-1' });
    expect(await workflow.startReferralWorkflow({ referralId: referral.id })).toEqual({ alreadyStarted: true });
    await workflow.settle();
    expect(workflow.list()).toHaveLength(1);
    expect(outbox.list()).toHaveLength(1);
  });
});
