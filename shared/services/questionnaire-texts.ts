/**
 * The texts that ask patients for their questionnaires: the baseline's link with the
 * acknowledgement (or just after it), and the follow-up's at discharge. Only the two functions
 * that send them import this, so no other function is granted what making a link needs.
 */
import { nowIso } from '../clock.js';
import { config } from '../config.js';
import { mobileForTexts } from '../domain/contact.js';
import { newLinkId, signLink } from '../domain/links.js';
import { INVITATION_TEXTS, type Timepoint } from '../domain/questionnaires.js';
import type { Referral } from '../domain/referral.js';
import { isSingleGsm7Fragment, type SmsTemplateName } from '../domain/sms.js';
import type { Notice } from '../domain/vocabulary.js';
import { logger } from '../logger.js';
import { NotificationFailedError } from '../ports/notifier.js';
import { loadReferral } from '../store/referrals.js';
import { patientSms, recordOnTimeline, textAndRecord } from './notifications.js';
import { followUpFor, questionnaireLink } from './questionnaires.js';

const errorName = (error: unknown) => (error instanceof Error ? error.name : 'Error');

/**
 * Sends a text (a `Sender` for textPatient); the acknowledgement carries the baseline
 * questionnaire's link: in one text when both fit one fragment, else the acknowledgement and then
 * the link in a text of its own, except for a self-referral, whose number was typed into a public
 * form (a second text would double what a stranger can aim at someone's phone). If the link cannot
 * be made, the acknowledgement goes without it.
 */
export async function sendWithQuestionnaire(referral: Referral, template: SmsTemplateName): Promise<{ sent: boolean; referral: Referral }> {
  if (template !== 'acknowledgement' || !mobileForTexts(referral) || !config().PATIENT_QUESTIONNAIRES.includes('baseline'))
    return textAndRecord(referral, template);
  // A self-referral gets the link only on the acknowledgement itself: if a link of its length would
  // not fit, none is made (an invitation no text carries would only clutter the timeline).
  if (referral.source === 'self') {
    const trial = await patientSms(referral, 'acknowledgementAndQuestionnaire', {
      link: `${config().PUBLIC_BASE_URL}/a/${signLink(newLinkId(), 'patient', 'a link of the same length')}`,
    });
    if (!trial || !isSingleGsm7Fragment(trial.body)) return textAndRecord(referral, 'acknowledgement');
  }
  const invited = await questionnaireLink(referral, 'baseline').catch((error: unknown) => {
    logger.warn('baseline questionnaire not offered', { referralId: referral.id, errorName: errorName(error) });
    return undefined;
  });
  if (!invited) return textAndRecord(await loadReferral(referral.id), 'acknowledgement');
  const together = await patientSms(invited.referral, 'acknowledgementAndQuestionnaire', { link: invited.link });
  if (together && isSingleGsm7Fragment(together.body))
    return textAndRecord(invited.referral, 'acknowledgementAndQuestionnaire', { link: invited.link });
  const acknowledged = await textAndRecord(invited.referral, 'acknowledgement');
  if (referral.source === 'self') return acknowledged;
  return { sent: acknowledged.sent, referral: await textQuestionnaire(acknowledged.referral, 'baseline', invited.link) };
}

/**
 * Texts a questionnaire's link. Answering is optional, so a text that will not go is recorded
 * (`questionnaire_not_sent`) and logged without the number, rather than stopping the journey.
 */
async function textQuestionnaire(referral: Referral, timepoint: Timepoint, link: string): Promise<Referral> {
  const template = INVITATION_TEXTS[timepoint].at(-1)!; // the text of its own
  try {
    return (await textAndRecord(referral, template, { link })).referral;
  } catch (error) {
    // Sent but not recorded (the referral kept changing): not a failure to send, and not worth a retry.
    if (!(error instanceof NotificationFailedError)) {
      logger.warn('questionnaire text sent, not recorded', { referralId: referral.id, timepoint, errorName: errorName(error) });
      return loadReferral(referral.id);
    }
    logger.warn('questionnaire text not sent', { referralId: referral.id, timepoint, errorName: errorName(error) });
    return recordOnTimeline(await loadReferral(referral.id), {
      type: 'questionnaire_not_sent',
      at: nowIso(),
      actor: 'system:notifications',
      detail: { timepoint, error: errorName(error) },
    });
  }
}

/** Long enough for a text and two writes; with what the notice left of the function's 20 s, less a margin. */
const FOLLOW_UP_BUDGET_MS = 8_000;
const MARGIN_MS = 3_000;

/**
 * After a closing notice: the follow-up questionnaire and the FFT, when the patient was discharged
 * or advised on the call and can be texted. Optional for the patient, so it never fails the notice
 * (which a retry would send again): an error, or taking longer than its budget, is logged.
 */
export async function inviteFollowUp(referralId: string, notice: Notice, remainingMs = Infinity): Promise<void> {
  // Never so long that the function times out: a retry would send the notice again. A call still
  // running when the function returns is frozen with it; at worst a link is made and not texted,
  // which the figures do not count as an invitation.
  const budgetMs = Math.min(FOLLOW_UP_BUDGET_MS, remainingMs - MARGIN_MS);
  if (budgetMs <= 0) return logger.warn('follow-up questionnaire not offered: no time left', { referralId });
  const invite = async () => {
    const referral = await loadReferral(referralId);
    if (!mobileForTexts(referral) || referral.questionnaireLinks?.['follow-up']) return;
    const followUp = await followUpFor(referral, notice);
    if (!followUp) return;
    const invited = await questionnaireLink(referral, 'follow-up', followUp.clinic);
    await textQuestionnaire(invited.referral, 'follow-up', invited.link);
  };
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), budgetMs)));
  try {
    if ((await Promise.race([invite(), budget])) === 'late') logger.warn('follow-up questionnaire still being offered', { referralId });
  } catch (error) {
    logger.warn('follow-up questionnaire not offered', { referralId, errorName: errorName(error) });
  } finally {
    clearTimeout(timer);
  }
}
