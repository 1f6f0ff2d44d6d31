/** POST /a/{link}: the patient books, changes or cancels. */
import { closedPatientLinkPage, manageAppointmentPage, patientBookingPage, SLOT_TAKEN } from '../../shared/http/booking-pages.js';
import { messagePage } from '../../shared/http/html.js';
import { formBody, pageHandler } from '../../shared/http/pages.js';
import { choosableSlots, patientAction } from '../../shared/services/patient-links.js';

export const handler = pageHandler(async (event) => {
  const result = await patientAction(event.pathParameters?.link ?? '', formBody(event));
  switch (result.state) {
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
