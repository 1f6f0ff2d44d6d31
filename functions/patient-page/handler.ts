/** GET /a/{link}: the patient's booking page, or their appointment. Reads only. */
import { manageAppointmentPage, patientBookingPage } from '../../shared/http/booking-pages.js';
import { messagePage } from '../../shared/http/html.js';
import { pageHandler } from '../../shared/http/pages.js';
import { choosableSlots, type PatientLinkState, resolvePatientLink } from '../../shared/services/patient-links.js';

/** Friendly pages for links that cannot act; none shows anything about the referral. */
export function closedPatientLinkPage(link: Exclude<PatientLinkState, { state: 'open' }>) {
  switch (link.state) {
    case 'invalid':
    case 'unknown':
      return messagePage(
        404,
        'This link does not work',
        'Please check you copied the whole link from your text message. If it still does not work, contact the service.',
      );
    case 'expired':
      return messagePage(
        410,
        'This link has expired',
        'Links in our texts only work for a while, to keep your details safe. Please contact the service.',
      );
    case 'used':
      return messagePage(409, 'You have already booked', 'Your confirmation text has a link to see, change or cancel your appointment.');
  }
}

export const handler = pageHandler(async (event) => {
  const link = await resolvePatientLink(event.pathParameters?.link ?? '');
  if (link.state !== 'open') return closedPatientLinkPage(link);
  const slots = await choosableSlots(link.referral);
  return link.task.kind === 'booking' ? patientBookingPage(link.referral, slots) : manageAppointmentPage(link.referral, slots);
});
