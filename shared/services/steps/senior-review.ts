/**
 * Senior review: triage proposed secondary care, so a senior clinician confirms it (the patient
 * wants and is fit for it) or returns the patient to community care with a service and priority.
 * The senior clinicians are emailed when it opens; the service lead every few days after.
 */
import * as z from 'zod';

import { nowIso } from '../../clock.js';
import { config } from '../../config.js';
import { keysOf, PRIORITIES, SURGERY_FITNESS, SURGERY_WISH } from '../../domain/choices.js';
import { referrerEmails, staffEmails } from '../../domain/emails.js';
import type { FieldIssue } from '../../domain/field-issues.js';
import { freeText, parseForm } from '../../domain/forms.js';
import type { Referral, Routing } from '../../domain/referral.js';
import { SERVICES } from '../../domain/screening.js';
import { DAY_SECONDS } from '../../domain/time.js';
import { adapters } from '../../ports/index.js';
import { changeReferral } from '../../store/referrals.js';
import { taskLink } from '../links.js';
import { emailStaff } from '../notifications.js';
import { type ClinicalDecision, recordClinicalDecision } from './decision.js';
import type { HumanStep } from './step.js';

/** The senior clinician's answer before a referral goes on to secondary care. */
export const seniorReviewFormSchema = z
  .object({
    decision: z.enum(['confirm', 'decline'], { error: 'Choose confirm or decline' }),
    wantsSurgery: z.enum(keysOf(SURGERY_WISH), { error: 'Say whether the patient wants surgery, having discussed the options' }),
    fitForSurgery: z.enum(keysOf(SURGERY_FITNESS), { error: 'Say whether the patient is fit for surgery' }),
    optimise: freeText.default(''),
    reason: freeText.default(''),
    service: z.enum(keysOf(SERVICES), { error: 'Choose a community service' }).optional(),
    priority: z.enum(keysOf(PRIORITIES), { error: 'Choose a priority' }).optional(),
  })
  .superRefine((form, ctx) => {
    // Southport and Ormskirk's rule: only those who want surgery and are fit for it go on.
    if (form.decision === 'confirm' && (form.wantsSurgery !== 'yes' || form.fitForSurgery !== 'yes'))
      ctx.addIssue({
        code: 'custom',
        path: ['decision'],
        message: 'Only a patient who wants surgery and is fit for it goes on to secondary care: decline, and choose a community service',
      });
    if (form.fitForSurgery === 'not-yet' && !form.optimise)
      ctx.addIssue({
        code: 'custom',
        path: ['optimise'],
        message: 'Say what needs optimising first (for example weight, blood sugar, smoking)',
      });
    if (form.decision === 'decline' && !form.service)
      ctx.addIssue({ code: 'custom', path: ['service'], message: 'Choose a community service' });
    if (form.decision === 'decline' && !form.priority) ctx.addIssue({ code: 'custom', path: ['priority'], message: 'Choose a priority' });
  });
export type SeniorReviewForm = z.output<typeof seniorReviewFormSchema>;

export function seniorReviewRouting(form: SeniorReviewForm): Routing {
  return form.decision === 'confirm'
    ? { route: 'referred-to-secondary-care' }
    : { route: 'accepted', service: form.service!, priority: form.priority! };
}

export function seniorReviewDecision(referral: Referral, form: Record<string, string>): ClinicalDecision | { issues: FieldIssue[] } {
  const parsed = parseForm(seniorReviewFormSchema, form);
  if ('issues' in parsed) return parsed;
  return {
    routing: seniorReviewRouting(parsed),
    set: {},
    outcome: {
      decision: parsed.decision === 'confirm' ? 'secondary-care-confirmed' : 'returned-to-community-care',
      ...(parsed.decision === 'confirm' ? { destination: referral.outcome?.destination } : {}),
      ...(parsed.decision === 'decline' ? { service: parsed.service, priority: parsed.priority } : {}),
      surgery: { wants: parsed.wantsSurgery, fit: parsed.fitForSurgery },
    },
    detail: {
      decision: parsed.decision,
      service: parsed.service,
      priority: parsed.priority,
      wantsSurgery: parsed.wantsSurgery,
      fitForSurgery: parsed.fitForSurgery,
    },
    note: { reason: parsed.reason, ...(parsed.fitForSurgery === 'not-yet' ? { optimise: parsed.optimise } : {}) },
  };
}

export const seniorReview: HumanStep = {
  kind: 'senior-review',
  // The wait (SENIOR_REVIEW_CHASE_DAYS) is read by the ASL from the execution's input.
  waits: { state: 'AwaitSeniorReview', statuses: ['awaiting_senior_review'] },

  async open(referral, taskId) {
    const email = staffEmails.seniorReviewNeeded({ reference: referral.id, link: await taskLink(taskId) });
    await emailStaff(referral, 'senior-clinicians', email, 'senior_clinicians_emailed');
  },

  async timedOut(referral) {
    const email = staffEmails.seniorReviewOverdue({ reference: referral.id, link: await taskLink(referral.openTask!.taskId) });
    await emailStaff(referral, 'service-lead', email, 'senior_review_overdue');
    return { nextInSeconds: config().SENIOR_REVIEW_CHASE_DAYS * DAY_SECONDS, closed: false };
  },

  async decide(task, referral, form, by) {
    const result = await recordClinicalDecision(task, referral, 'senior_review_decided', by, seniorReviewDecision(referral, form));
    // Not yet fit: community care meanwhile, and the referrer is told what to optimise before referring again.
    if (result !== 'raced' && result.state === 'decided' && form.fitForSurgery === 'not-yet' && result.referral.referrer) {
      const email = referrerEmails.optimiseBeforeSurgery({ reference: referral.id, optimise: freeText.parse(form.optimise ?? '') });
      const { messageId } = await adapters().notifier.sendEmail(result.referral.referrer.email, email);
      await changeReferral(result.referral, {
        event: {
          type: 'referrer_emailed',
          at: nowIso(),
          actor: 'system:notifications',
          detail: { notice: 'optimise-before-surgery', messageId },
        },
      });
    }
    return result;
  },
};
