/**
 * Decisions made through staff links: resolving a link to its step, and handing the posted form
 * to that step, exactly once. Opening a link only reads (mail scanners open links before people
 * do); only the form's POST acts, and only the first POST wins.
 */
import { nowIso } from '../clock.js';
import type { Referral } from '../domain/referral.js';
import type { StaffUser } from '../domain/staff.js';
import { FAILED_STATUSES, STEP_LINKS } from '../domain/vocabulary.js';
import { ConcurrentChangeError } from '../store/errors.js';
import { getReferral } from '../store/referrals.js';
import { getTask, type Task } from '../store/tasks.js';
import { linkId } from './links.js';
import { stepFor } from './steps/index.js';
import type { DecisionResult } from './steps/step.js';

export type LinkState =
  | { state: 'invalid' } // not signed by us: tampered or made up
  | { state: 'unknown' } // signed, but no such step (removed after its retention)
  | { state: 'expired'; task: Task }
  | { state: 'used'; task: Task; referral: Referral }
  | { state: 'open'; task: Task; referral: Referral };

export async function resolveLink(signed: string): Promise<LinkState> {
  // A patient's link, or one made up, is refused before anything is looked up.
  const taskId = await linkId(signed, 'staff');
  if (!taskId) return { state: 'invalid' };
  const task = await getTask(taskId);
  // Staff links lead only to steps that staff decide through a link.
  if (!task || task.kind === 'appointment' || task.kind === 'questionnaire' || !STEP_LINKS[task.kind].staff) return { state: 'unknown' };
  const referral = await getReferral(task.referralId);
  if (!referral) return { state: 'unknown' };
  if (task.decidedAt) return { state: 'used', task, referral };
  if (task.linkExpiresAt <= nowIso() || superseded(task, referral)) return { state: 'expired', task };
  return { state: 'open', task, referral };
}

/**
 * A step's link acts only while it is the referral's open step and the journey is running: a
 * retried or re-prepared step has a new link (the old one would book into a step nobody waits
 * on), and a stopped journey has no workflow to resume.
 */
export function superseded(task: Task, referral: Referral): boolean {
  return referral.openTask?.taskId !== task.taskId || (FAILED_STATUSES as readonly string[]).includes(referral.status);
}

export type SubmitResult = Exclude<LinkState, { state: 'open' }> | Exclude<DecisionResult, 'raced'>;

const MAX_ATTEMPTS = 4;

/** Validates and records the decision posted through a link, then resumes the workflow. */
export async function submitDecision(signed: string, form: Record<string, string>, user: StaffUser): Promise<SubmitResult> {
  for (let attempt = 1; ; attempt++) {
    const link = await resolveLink(signed);
    if (link.state !== 'open') return link;
    const { task, referral } = link;
    const result = await stepFor(task.kind)!.decide!(task, referral, form, { by: 'staff', user });
    if (result !== 'raced') return result;
    // Someone else changed the referral or the step (another click, a timer): look again.
    if (attempt >= MAX_ATTEMPTS) throw new ConcurrentChangeError('the referral kept changing; try again');
  }
}
