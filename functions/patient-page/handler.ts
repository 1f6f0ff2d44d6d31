/** GET /a/{link}: the patient's booking page, their appointment, or their questionnaire. Reads only. */
import { closedPatientLinkPage, manageAppointmentPage, patientBookingPage } from '../../shared/http/booking-pages.js';
import { pageHandler } from '../../shared/http/pages.js';
import { questionnairePage } from '../../shared/http/questionnaire-pages.js';
import { choosableSlots, resolvePatientLink } from '../../shared/services/patient-links.js';
import { questionnaireContext, questionnairesFor } from '../../shared/services/questionnaires.js';

export const handler = pageHandler(async (event) => {
  const link = await resolvePatientLink(event.pathParameters?.link ?? '');
  if (link.state !== 'open') return closedPatientLinkPage(link);
  if (link.task.kind === 'questionnaire') {
    const { activities } = await questionnaireContext(link.task);
    const timepoint = link.task.timepoint!;
    return questionnairePage(timepoint, questionnairesFor(timepoint), event.pathParameters?.link ?? '', {}, [], 200, activities);
  }
  const slots = await choosableSlots(link.referral);
  return link.task.kind === 'booking' ? patientBookingPage(link.referral, slots) : manageAppointmentPage(link.referral, slots);
});
