/**
 * The timer of a step with a target (triage's 24 hours, the first contact call's 48): at the
 * reminder point the team is emailed, at the deadline the breach is recorded, counted and the
 * service lead emailed, and after that the lead hears daily. The step waits on throughout; what
 * differs between steps (the words, the events, where the times are kept) is passed in.
 */
import { now } from '../../clock.js';
import { type Deadline, deadlineActionDue, nextDeadlineWaitSeconds } from '../../domain/deadline.js';
import type { Email } from '../../domain/emails.js';
import type { Referral } from '../../domain/referral.js';
import type { EventType } from '../../domain/vocabulary.js';
import { metrics } from '../../metrics.js';
import { adapters } from '../../ports/index.js';
import type { StaffAudience } from '../../ports/notifier.js';
import { changeReferral } from '../../store/referrals.js';
import { emailStaff } from '../notifications.js';
import type { TimerResult } from './step.js';

export interface DeadlineTimer {
  deadline: (referral: Referral) => Deadline;
  reminderHours: number;
  /** Who is reminded before the deadline (the service lead hears of the breach). */
  team: StaffAudience;
  emails: { reminder: Email; breach: Email; stillOverdue: Email };
  events: { reminder: EventType; breach: EventType; stillOverdue: EventType };
  /** Where the step keeps that the reminder went, or the breach happened. */
  record: (referral: Referral, sent: { reminderSentAt?: string; breachedAt?: string }) => Partial<Referral>;
  /** Codes kept with the breach event beside the deadline. */
  breachDetail?: Record<string, unknown>;
  metric: string;
}

export async function runDeadlineTimer(referral: Referral, timer: DeadlineTimer): Promise<TimerResult> {
  const at = now();
  const iso = at.toISOString();
  const action = deadlineActionDue(timer.deadline(referral), at);
  if (action === 'reminder') {
    const { messageId } = await adapters().notifier.sendStaffEmail(timer.team, timer.emails.reminder);
    referral = await changeReferral(referral, {
      set: timer.record(referral, { reminderSentAt: iso }),
      event: { type: timer.events.reminder, at: iso, actor: 'system:sla', detail: { messageId } },
    });
  } else if (action === 'breach') {
    const { messageId } = await adapters().notifier.sendStaffEmail('service-lead', timer.emails.breach);
    referral = await changeReferral(referral, {
      set: timer.record(referral, { breachedAt: iso }),
      event: {
        type: timer.events.breach,
        at: iso,
        actor: 'system:sla',
        detail: { dueAt: timer.deadline(referral).dueAt, ...timer.breachDetail, messageId },
      },
    });
    metrics().addMetric(timer.metric, 'Count', 1);
    metrics().publishStoredMetrics();
  } else if (action === 'still-overdue') {
    referral = await emailStaff(referral, 'service-lead', timer.emails.stillOverdue, timer.events.stillOverdue);
  }
  return { nextInSeconds: nextDeadlineWaitSeconds(timer.deadline(referral), at, timer.reminderHours), closed: false };
}
