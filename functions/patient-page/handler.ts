/** GET /a/{link}: the patient's booking page, or their appointment. Reads only. */
import { closedPatientLinkPage, manageAppointmentPage, patientBookingPage } from '../../shared/http/booking-pages.js';
import { pageHandler } from '../../shared/http/pages.js';
import { choosableSlots, resolvePatientLink } from '../../shared/services/patient-links.js';

export const handler = pageHandler(async (event) => {
  const link = await resolvePatientLink(event.pathParameters?.link ?? '');
  if (link.state !== 'open') return closedPatientLinkPage(link);
  const slots = await choosableSlots(link.referral);
  return link.task.kind === 'booking' ? patientBookingPage(link.referral, slots) : manageAppointmentPage(link.referral, slots);
});
