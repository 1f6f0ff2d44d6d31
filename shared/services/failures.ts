/** Where the workflow lands when a step fails beyond its retries: a status and an alert people see. */
import { nowIso } from '../clock.js';
import { config } from '../config.js';
import { staffEmails } from '../domain/emails.js';
import { FAILED_STATUSES, type ReferralStatus } from '../domain/vocabulary.js';
import { metrics } from '../metrics.js';
import { adapters } from '../ports/index.js';
import { changeReferral, loadReferral } from '../store/referrals.js';
import { STOPPED_WAITING } from './steps/index.js';

const NOTIFICATION_FAILED = 'NotificationFailed';

/** The referral's audit trail on the staff dashboard. */
const timelineLink = (referralId: string) => `${config().PUBLIC_BASE_URL}/dashboard/referrals/${referralId}`;

/**
 * The journey cannot go on: mark the referral (notification_failed when a message would not go,
 * workflow_failed otherwise) and alert the service lead. The status is written first, so that if
 * the alert cannot go either the referral still shows it (and the failed execution raises the
 * CloudWatch alarm). A retried call does not record the failure twice.
 */
export async function recordWorkflowFailure(referralId: string, errorName: string): Promise<void> {
  let referral = await loadReferral(referralId);
  const status: ReferralStatus = errorName === NOTIFICATION_FAILED ? 'notification_failed' : 'workflow_failed';
  if (referral.status !== status) {
    // Where it stopped, so that a person can retry from there (a second failure keeps the first place).
    const stoppedFrom = (FAILED_STATUSES as readonly string[]).includes(referral.status) ? referral.stoppedFrom : referral.status;
    const at = nowIso();
    referral = await changeReferral(referral, {
      status,
      set: { stoppedFrom, stoppedAt: at, stopError: errorName, stopAlerted: undefined },
      event: { type: status, at, actor: 'system:workflow', detail: { error: errorName, stoppedFrom } },
    });
    metrics().addMetric(status === 'notification_failed' ? 'NotificationFailed' : 'WorkflowStopped', 'Count', 1);
    metrics().publishStoredMetrics();
  }
  const cause =
    errorName === NOTIFICATION_FAILED
      ? 'a message could not be sent after repeated attempts'
      : errorName === STOPPED_WAITING
        ? `nobody acted on it for ${config().WORKFLOW_GIVE_UP_DAYS} days since it arrived, so the workflow stopped waiting`
        : `a step failed after repeated attempts (${errorName})`;
  const { messageId } = await adapters().notifier.sendStaffEmail(
    'service-lead',
    staffEmails.workflowStopped({ reference: referral.id, status, cause, timeline: timelineLink(referral.id) }),
  );
  // Only now may a person retry it: this execution has finished with the referral.
  await changeReferral(referral, {
    set: { stopAlerted: true },
    event: { type: 'service_lead_alerted', at: nowIso(), actor: 'system:workflow', detail: { reason: status, messageId } },
  });
}

/**
 * A text the journey can do without (the acknowledgement) would not go: ask the booking team to
 * contact the patient another way, record both in one event, and let the journey carry on. (The
 * email goes first: if it fails too, nothing is recorded and the retry does not record twice.)
 */
export async function recordTextNotSent(referralId: string, what: 'acknowledgement', errorName?: string): Promise<void> {
  const referral = await loadReferral(referralId);
  const { messageId } = await adapters().notifier.sendStaffEmail(
    'booking-team',
    staffEmails.patientNotTold({ reference: referral.id, what: 'that their referral has arrived', timeline: timelineLink(referral.id) }),
  );
  await changeReferral(referral, {
    event: {
      type: 'notification_failed',
      at: nowIso(),
      actor: 'system:notifications',
      detail: {
        template: what,
        bookingTeamEmailId: messageId,
        ...(errorName === 'TextWithheld' ? { reason: 'withheld: the number had its day of self-referral texts' } : {}),
      },
    },
  });
  metrics().addMetric('NotificationFailed', 'Count', 1);
  metrics().publishStoredMetrics();
}
