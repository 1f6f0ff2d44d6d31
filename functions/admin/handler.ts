/**
 * Staff: PUT /admin/clinics/{clinicId} loads a clinic; POST /admin/slots loads appointment slots
 * (a slot already loaded at that clinic and time is reported, not duplicated).
 */
import { clinicIdSchema, clinicSchema, slotsRequestSchema } from '../../shared/domain/booking.js';
import { apiHandler, HttpError, json, parseJsonBody, staffOf } from '../../shared/http/api.js';
import { addSlot, getClinics, putClinic } from '../../shared/store/clinics.js';

export const handler = apiHandler(async (event) => {
  // Clinics and slots are the service lead's, as on the timetable page.
  staffOf(event, 'service-lead');
  if (event.resource === '/admin/clinics/{clinicId}') {
    const clinicId = clinicIdSchema.safeParse(event.pathParameters?.clinicId);
    if (!clinicId.success)
      throw new HttpError(400, 'validation_failed', 'the request has invalid fields', [
        { path: 'clinicId', message: clinicId.error.issues[0]!.message },
      ]);
    const clinic = parseJsonBody(event, clinicSchema);
    await putClinic(clinicId.data, clinic);
    return json(200, { clinicId: clinicId.data, ...clinic });
  }
  const { slots } = parseJsonBody(event, slotsRequestSchema);
  const clinics = await getClinics(slots.map((s) => s.clinicId));
  const issues = slots.flatMap((slot, i) => {
    const clinic = clinics.get(slot.clinicId);
    if (!clinic) return [{ path: `slots.${i}.clinicId`, message: 'is not a known clinic' }];
    if (!clinic.services.includes(slot.service)) return [{ path: `slots.${i}.service`, message: `is not offered at ${clinic.name}` }];
    return [];
  });
  if (issues.length) throw new HttpError(400, 'validation_failed', 'the request has invalid fields', issues);
  let added = 0;
  for (const slot of slots) if (await addSlot(slot)) added++;
  return json(200, { added, alreadyLoaded: slots.length - added });
});
