/**
 * Senior review: triage proposed secondary care, so a senior clinician confirms it (the patient
 * wants and is fit for it) or returns the patient to community care with a service and priority.
 * The senior clinicians are emailed when it opens; the service lead every few days after.
 */
import * as z from 'zod';

import { config } from '../../config.js';
import { keysOf, PRIORITIES } from '../../domain/choices.js';
import { staffEmails } from '../../domain/emails.js';
import type { FieldIssue } from '../../domain/field-issues.js';
import { freeText, parseForm } from '../../domain/forms.js';
import type { Referral, Routing } from '../../domain/referral.js';
import { SERVICES } from '../../domain/screening.js';
import { DAY_SECONDS } from '../../domain/time.js';
import { taskLink } from '../links.js';
import { emailStaff } from '../notifications.js';
import { type ClinicalDecision, recordClinicalDecision } from './decision.js';
import type { HumanStep } from './step.js';

/** The senior clinician's answer before a referral goes on to secondary care. */
export const seniorReviewFormSchema = z
  .object({
    decision: z.enum(['confirm', 'decline'], { error: 'Choose confirm or decline' }),
    reason: freeText.default(''),
    service: z.enum(keysOf(SERVICES), { error: 'Choose a community service' }).optional(),
    priority: z.enum(keysOf(PRIORITIES), { error: 'Choose a priority' }).optional(),
  })
  .superRefine((form, ctx) => {
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
    },
    detail: { decision: parsed.decision, service: parsed.service, priority: parsed.priority },
    note: { reason: parsed.reason },
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

  decide: (task, referral, form, by) =>
    recordClinicalDecision(task, referral, 'senior_review_decided', by, seniorReviewDecision(referral, form)),
};
