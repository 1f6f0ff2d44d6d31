/**
 * GET /self-referral: the form. POST /self-referral: the same intake as POST /referrals (same
 * schema, same rules, same workflow), with errors shown beside the fields.
 */
import { referralRequestSchema } from '../../shared/domain/referral.js';
import { screenReferral } from '../../shared/domain/screening.js';
import { fieldIssues } from '../../shared/http/api.js';
import { messagePage } from '../../shared/http/html.js';
import { crossSiteRefusal, formFields, pageHandler } from '../../shared/http/pages.js';
import { selfReferralEmergency, selfReferralForm, selfReferralSent } from '../../shared/http/self-referral-page.js';
import { acceptReferral, IdempotencyKeyReusedError } from '../../shared/services/intake.js';

/** Self-referrals have no API client; they are attributed to the form. */
const FORM_CALLER = { clientId: 'self-referral-form' };

const asNumber = (value: string | undefined) => (value !== undefined && /^\d+$/.test(value.trim()) ? Number(value) : value || undefined);

export const handler = pageHandler(async (event) => {
  if (event.httpMethod === 'GET') return selfReferralForm();
  // No session to protect, but a page elsewhere must not be able to refer (and text) in someone's name.
  const refused = crossSiteRefusal(event);
  if (refused) return refused;
  const fields = formFields(event);
  const form = Object.fromEntries(fields);
  // Repeated checkboxes arrive as one field per tick.
  const redFlags = fields.getAll('redFlags');
  const body = {
    source: 'self',
    patient: {
      givenName: form.givenName,
      familyName: form.familyName,
      nhsNumber: form.nhsNumber,
      dateOfBirth: form.dateOfBirth,
      ...(form.mobile?.trim() ? { mobile: form.mobile } : {}),
      ...(form.phone?.trim() ? { phone: form.phone } : {}),
      postcode: form.postcode,
    },
    complaint: {
      bodySite: form.bodySite || undefined,
      summary: form.summary,
      durationWeeks: asNumber(form.durationWeeks),
      painScore: asNumber(form.painScore),
    },
    redFlags,
  };
  const parsed = referralRequestSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) return selfReferralForm(fieldIssues(parsed.error), { ...form, redFlags }, 400);
  const submission = /^[0-9a-f-]{36}$/.test(form.submission ?? '') ? form.submission : undefined;
  try {
    const { referral } = await acceptReferral(parsed.data, FORM_CALLER, submission);
    // The workflow screens it the same way; the patient is told now, not by a text that may not come.
    if (screenReferral(parsed.data).priority === 'emergency') return selfReferralEmergency(referral.id);
    return selfReferralSent(referral.id, Boolean(referral.patient.mobile));
  } catch (error) {
    // The same form, already sent, changed and sent again (e.g. after the back button).
    if (error instanceof IdempotencyKeyReusedError) {
      return messagePage(409, 'This form has already been sent', 'Your referral was received. To refer again, open a new form.');
    }
    throw error;
  }
});
