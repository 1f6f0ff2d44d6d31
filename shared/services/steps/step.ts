/**
 * What a human step is. The workflow waits on each with a task token (a `.waitForTaskToken` Task
 * in the ASL); its module says everything the step does: how it opens (who is told), what its
 * timer does each time the wait runs out, and what a decision looks like, records and routes to.
 * The generic handlers (open-task, task-timer, task-decision) only look the step up by kind in
 * `./index.ts`.
 */
import type { FieldIssue } from '../../domain/field-issues.js';
import type { Referral } from '../../domain/referral.js';
import type { StaffUser } from '../../domain/staff.js';
import type { ReferralStatus, StepKind } from '../../domain/vocabulary.js';
import type { Task } from '../../store/tasks.js';

/** What a timer tells the state machine: wait again (how long), or the step closed the referral. */
export interface TimerResult {
  nextInSeconds: number;
  closed: boolean;
  /** Booking only: which chase the workflow sends next. */
  chase?: 'text' | 'worklist' | 'escalate' | 'none';
}

/** Who is deciding: a signed-in member of staff, or the patient through their own link. */
export type DecidedThrough = { by: 'staff'; user: StaffUser } | { by: 'patient'; actor: string };

/** What a decision attempt came to. `raced`: someone changed the referral meanwhile; read again and retry. */
export type DecisionResult =
  | { state: 'decided'; task: Task; referral: Referral }
  | { state: 'invalid-form'; task: Task; referral: Referral; issues: FieldIssue[] }
  | { state: 'slot-taken'; task: Task; referral: Referral }
  // A first contact call that did not reach the patient: recorded, and the step stays open.
  | { state: 'attempt-recorded'; task: Task; referral: Referral; texted: boolean; nextAttemptFrom?: string }
  | 'raced';

export interface HumanStep {
  kind: StepKind;
  /**
   * Where the workflow waits for this step, and the statuses a referral has meanwhile. The local
   * runtime (which keeps executions in memory) re-enters a referral in one of these statuses here
   * after a restart, with the input `resumeInput` gives. A person's retry of a journey that stopped
   * in one of these statuses re-enters at `retryAt` (default: `state`).
   */
  waits: {
    state: string;
    statuses: readonly ReferralStatus[];
    resumeInput?: (referral: Referral) => Record<string, unknown>;
    retryAt?: string | ((referral: Referral) => string);
  };
  /** The step's link is stored and the referral marks it open: tell whoever must act. */
  open(referral: Referral, taskId: string): Promise<void>;
  /** The wait ran out (reminders, escalation, closing). */
  timedOut(referral: Referral): Promise<TimerResult>;
  /**
   * A decision arrives (form fields as posted). Every step someone acts on through a link has one
   * (see STEP_LINKS); the information step is answered through the API instead.
   */
  decide?(task: Task, referral: Referral, form: Record<string, string>, through: DecidedThrough): Promise<DecisionResult>;
}
