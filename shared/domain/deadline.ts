/**
 * A target with a reminder: the triage decision within 24 hours of arrival, the first contact call
 * within 48. Its timer fires at the reminder, then at the deadline (the breach is recorded and the
 * service lead told), then daily while it stays overdue. Pure: the steps keep the times on the
 * referral and act on what these say.
 */
import { DAY_SECONDS, HOUR_MS } from './time.js';

export interface Deadline {
  /** When the clock started (the referral's arrival, or when new information restarted it). */
  startedAt: string;
  dueAt: string;
  reminderSentAt?: string;
  breachedAt?: string;
}

export type DeadlineAction = 'reminder' | 'breach' | 'still-overdue' | 'none';

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * How long (seconds, at least 1) to wait before the timer must act next: until the reminder
 * (`reminderHours` after the start, if that comes before the deadline), then until the deadline,
 * then a day at a time.
 */
export function nextDeadlineWaitSeconds(deadline: Deadline, at: Date, reminderHours: number): number {
  const t = at.getTime();
  const remindAt = Date.parse(deadline.startedAt) + reminderHours * HOUR_MS;
  const dueAt = Date.parse(deadline.dueAt);
  if (!deadline.reminderSentAt && !deadline.breachedAt && t < remindAt && remindAt < dueAt) return seconds(remindAt - t);
  if (!deadline.breachedAt && t <= dueAt) return seconds(dueAt - t);
  return DAY_SECONDS;
}

/** What the timer must do when it fires at `at`. Exactly at the deadline is still within it, as in the figures. */
export function deadlineActionDue(deadline: Deadline, at: Date): DeadlineAction {
  if (deadline.breachedAt) return 'still-overdue';
  if (at.getTime() > Date.parse(deadline.dueAt)) return 'breach';
  if (!deadline.reminderSentAt) return 'reminder';
  return 'none';
}
