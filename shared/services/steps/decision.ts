/**
 * Recording a decision, the same for every step: the referral's change and the claim on the step
 * in one transaction (so only the first decision wins), then the workflow resumes with the
 * routing. A timer that fires meanwhile re-opens the step, finds it decided, and follows the
 * recorded routing instead (AlreadyDecided).
 */
import { now } from '../../clock.js';
import type { FieldIssue } from '../../domain/field-issues.js';
import type { Outcome, Referral, Routing } from '../../domain/referral.js';
import { type EventType, ROUTE_STATUS } from '../../domain/vocabulary.js';
import { logger } from '../../logger.js';
import { adapters } from '../../ports/index.js';
import { TaskNotWaitingError } from '../../ports/workflow.js';
import { ConcurrentChangeError } from '../../store/errors.js';
import { changeReferral, type ReferralChange } from '../../store/referrals.js';
import { claimTask, type Task } from '../../store/tasks.js';
import type { DecidedThrough, DecisionResult } from './step.js';

/** A clinician's decision as a step's rules read it from the form. */
export interface ClinicalDecision {
  routing: Routing;
  /** Written on the referral: the latest clinical decision (triage, review), or other fields (outcome). */
  set: Partial<Referral>;
  outcome?: Omit<Outcome, 'decidedAt' | 'decidedBy' | 'decidedById'>;
  /** Codes only, for the timeline and the figures. */
  detail: Record<string, unknown>;
  /** The clinician's free text, kept beside the event (see ReferralChange.note). */
  note: ReferralChange['note'];
}

/** Records a decision a signed-in member of staff made, and resumes the workflow. */
export async function recordClinicalDecision(
  task: Task,
  referral: Referral,
  event: EventType,
  by: DecidedThrough,
  decision: ClinicalDecision | { issues: FieldIssue[] },
): Promise<DecisionResult> {
  if ('issues' in decision) return { state: 'invalid-form', task, referral, issues: decision.issues };
  if (by.by !== 'staff') throw new Error(`a ${event} decision is made by staff`);
  const at = now().toISOString();
  const outcome = decision.outcome && { ...decision.outcome, decidedBy: by.user.name, decidedById: by.user.id, decidedAt: at };
  const set = outcome ? { ...decision.set, outcome } : decision.set;
  try {
    const decided = await changeReferral(
      referral,
      {
        status: ROUTE_STATUS[decision.routing.route],
        set,
        event: {
          type: event,
          at,
          actor: `staff:${by.user.id}`,
          detail: { ...decision.detail, decidedBy: by.user.name, linkId: task.taskId },
        },
        note: decision.note,
      },
      [claimTask(task, at, decision.routing)],
    );
    await resumeWorkflow(task, decision.routing);
    return { state: 'decided', task, referral: decided };
  } catch (error) {
    // Someone else changed the referral or the step (another click, a timer): look again.
    if (error instanceof ConcurrentChangeError) return 'raced';
    throw error;
  }
}

/**
 * The decision is recorded; hand the routing to the waiting step. If the step's wait had just
 * timed out, the workflow re-opens it, finds it decided, and follows the recorded routing.
 */
export async function resumeWorkflow(task: Task, routing: Routing): Promise<void> {
  try {
    await adapters().workflow.sendTaskSuccess(task.token, routing);
  } catch (error) {
    if (!(error instanceof TaskNotWaitingError)) throw error;
    logger.info('decision recorded while the step was between waits; the workflow will pick it up', { taskId: task.taskId });
  }
}
