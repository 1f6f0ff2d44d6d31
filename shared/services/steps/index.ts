/**
 * The human steps, by kind, and what every step shares: opening (the task token stored behind a
 * link, then the step's own `open`), and its timer (the give-up rule, then the step's own
 * `timedOut`). To add a step: a module beside these, a line below, its states in the ASL, and its
 * tests. Nothing else branches on a step's kind.
 */
import { now, nowIso } from '../../clock.js';
import { config, workflowWaits } from '../../config.js';
import { newLinkId } from '../../domain/links.js';
import type { Referral, Routing } from '../../domain/referral.js';
import { DAY_MS } from '../../domain/time.js';
import { type ReferralStatus, STEP_LINKS, type StepKind, type TaskKind } from '../../domain/vocabulary.js';
import { changeReferral, loadReferral } from '../../store/referrals.js';
import { getTask, putNewTask, replaceTaskToken } from '../../store/tasks.js';
import { booking } from './booking.js';
import { call } from './call.js';
import { information } from './information.js';
import { outcome } from './outcome.js';
import { seniorReview } from './senior-review.js';
import type { HumanStep, TimerResult } from './step.js';
import { triage } from './triage.js';

export const STEPS = {
  call,
  triage,
  'senior-review': seniorReview,
  information,
  booking,
  outcome,
} as const satisfies Record<StepKind, HumanStep>;

/** A state the workflow can be (re-)entered at, and the input it needs there. */
export interface WorkflowEntry {
  state: string;
  input: Record<string, unknown>;
}

/**
 * Where a person's retry re-enters the workflow of a referral that stopped in `status`: screening
 * for one that never got past it, the step it was waiting on (or preparing, for booking), or none
 * (it stopped while closing: a person finishes that by hand and closes it). The input carries what
 * screening would have given the states after it (the steps' waits).
 */
export function retryEntry(referral: Referral, status: ReferralStatus): WorkflowEntry | undefined {
  const triageInput = (extra: Record<string, unknown> = {}) => ({
    ...extra,
    triage: { waits: workflowWaits(), ...(extra.triage as object | undefined) },
  });
  if (status === 'received') return { state: 'ScreenReferral', input: {} };
  // Accepted, and stopped before the booking step opened.
  const step = status === 'accepted' ? STEPS.booking : Object.values(STEPS).find((s) => s.waits.statuses.includes(status));
  if (!step) return undefined;
  const retryAt = step.waits.retryAt;
  return {
    state: typeof retryAt === 'function' ? retryAt(referral) : (retryAt ?? step.waits.state),
    input: triageInput(step.waits.resumeInput?.(referral)),
  };
}

/** The step a stored task belongs to; undefined for a patient's appointment link (not a step). */
export function stepFor(kind: TaskKind): HumanStep | undefined {
  return kind === 'appointment' || kind === 'questionnaire' ? undefined : STEPS[kind];
}

/**
 * Thrown when the step being (re-)opened was already decided, e.g. a clinician submitted just as
 * a timer fired. The message is the decision's routing, which the state machine then follows.
 */
export class AlreadyDecidedError extends Error {
  override name = 'AlreadyDecided';
  constructor(routing: Routing) {
    super(JSON.stringify(routing));
  }
}

/**
 * Thrown by a timer once the referral is WORKFLOW_GIVE_UP_DAYS old and still waiting for a person:
 * the workflow records the failure (workflow_failed, service lead told) instead of looping on until
 * Step Functions' one-year limit ends it unseen.
 */
export const STOPPED_WAITING = 'StoppedWaiting';
export class StoppedWaitingError extends Error {
  override name = STOPPED_WAITING;
  constructor(kind: StepKind, days: number) {
    super(`no ${kind} decision after ${days} days`);
  }
}

function linkExpiry(): string {
  return new Date(now().getTime() + config().TASK_LINK_DAYS * DAY_MS).toISOString();
}

/**
 * The workflow waits on a step: store its task token behind a link and tell who must act. When a
 * wait times out and the step re-opens, the same link stays valid and nobody is told twice.
 */
export async function openStep(input: {
  referralId: string;
  kind: StepKind;
  taskToken: string;
}): Promise<{ taskId: string; reopened: boolean }> {
  const referral = await loadReferral(input.referralId);
  if (referral.openTask?.kind === input.kind) {
    const taskId = referral.openTask.taskId;
    if (await replaceTaskToken(taskId, input.taskToken, linkExpiry())) return { taskId, reopened: true };
    const decided = await getTask(taskId);
    throw new AlreadyDecidedError(decided!.routing!);
  }
  const taskId = newLinkId();
  const patientLinkId = STEP_LINKS[input.kind].patient ? newLinkId() : undefined;
  const at = nowIso();
  const opened = await changeReferral(
    referral,
    {
      set: { openTask: { kind: input.kind, taskId, ...(patientLinkId ? { patientLinkId } : {}) } },
      event: { type: 'task_opened', at, actor: 'system:workflow', detail: { kind: input.kind } },
    },
    putNewTask({
      taskId,
      kind: input.kind,
      referralId: referral.id,
      token: input.taskToken,
      createdAt: at,
      linkExpiresAt: linkExpiry(),
      ...(patientLinkId ? { patientLinkId } : {}),
    }),
  );
  await STEPS[input.kind].open(opened, taskId);
  return { taskId, reopened: false };
}

/** A step's wait timed out. Whatever the step, a referral WORKFLOW_GIVE_UP_DAYS old stops waiting. */
export async function stepTimedOut(input: { referralId: string; kind: StepKind }): Promise<TimerResult> {
  const referral = await loadReferral(input.referralId);
  const giveUpDays = config().WORKFLOW_GIVE_UP_DAYS;
  if (now().getTime() - Date.parse(referral.receivedAt) >= giveUpDays * DAY_MS) throw new StoppedWaitingError(input.kind, giveUpDays);
  return STEPS[input.kind].timedOut(referral);
}
