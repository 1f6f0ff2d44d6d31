/** POST /a/{link}: the patient books, changes or cancels, or sends their questionnaire's answers. */
import { closedPatientLinkPage, manageAppointmentPage, patientBookingPage, SLOT_TAKEN } from '../../shared/http/booking-pages.js';
import { messagePage } from '../../shared/http/html.js';
import { crossSiteRefusal, formBody, pageHandler } from '../../shared/http/pages.js';
import { answeredPage, questionnairePage } from '../../shared/http/questionnaire-pages.js';
import { choosableSlots, patientAction } from '../../shared/services/patient-links.js';
import { questionnaireContext, questionnairesFor } from '../../shared/services/questionnaires.js';

export const handler = pageHandler(async (event) => {
  const refused = crossSiteRefusal(event);
  if (refused) return refused;
  const form = formBody(event);
  const result = await patientAction(event.pathParameters?.link ?? '', form);
  switch (result.state) {
    case 'answered':
      return answeredPage(result.task.timepoint!);
    case 'booked':
      return manageAppointmentPage(result.referral, await choosableSlots(result.referral), [], 200, 'Appointment booked');
    case 'rearranged':
      return manageAppointmentPage(result.referral, await choosableSlots(result.referral), [], 200, 'Appointment changed');
    case 'cancelled':
      return messagePage(
        200,
        'Appointment cancelled',
        'Your appointment has been cancelled and your GP practice has been told. Thank you for letting us know.',
      );
    case 'invalid-form':
    case 'slot-taken': {
      if (result.task.kind === 'questionnaire' && result.state === 'invalid-form') {
        const timepoint = result.task.timepoint!;
        const { activities } = await questionnaireContext(result.task);
        const link = event.pathParameters?.link ?? '';
        return questionnairePage(timepoint, questionnairesFor(timepoint), link, form, result.issues, 400, activities);
      }
      const slots = await choosableSlots(result.referral);
      const issues = result.state === 'slot-taken' ? [SLOT_TAKEN] : result.issues;
      return result.task.kind === 'booking'
        ? patientBookingPage(result.referral, slots, issues, 400)
        : manageAppointmentPage(result.referral, slots, issues, 400);
    }
    default:
      return closedPatientLinkPage(result);
  }
});
