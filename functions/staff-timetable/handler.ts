/**
 * GET/POST /staff/clinics: the service lead's clinics and timetables. Add a clinic or a recurring
 * session (its slots are made at once, and topped up daily); cancel a session's date or one slot,
 * moving any booked patient back to be rebooked.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { DateTime } from 'luxon';

import { now } from '../../shared/clock.js';
import { config } from '../../shared/config.js';
import { clinicIdSchema, clinicSchema, slotIdOf } from '../../shared/domain/booking.js';
import { parseForm } from '../../shared/domain/forms.js';
import { SERVICE_TIME_ZONE } from '../../shared/domain/time.js';
import { sessionDates, sessionFormSchema, slotsOn } from '../../shared/domain/timetable.js';
import { messagePage } from '../../shared/http/html.js';
import { staffPageHandler, type StaffSession } from '../../shared/http/staff-pages.js';
import { clinicsPage, sessionDayPage } from '../../shared/http/timetable-pages.js';
import { addSession, cancelSessionOn, cancelSlot } from '../../shared/services/timetable.js';
import { getSlot, putClinic, timetable } from '../../shared/store/clinics.js';

async function view() {
  const { clinics, sessions } = await timetable();
  const today = DateTime.fromJSDate(now(), { zone: SERVICE_TIME_ZONE });
  const upcoming = new Map(
    sessions.map((s) => [s.sessionId, sessionDates(s, today.toISODate()!, today.plus({ weeks: 4 }).toISODate()!).slice(0, 4)]),
  );
  return { clinics, sessions, upcoming };
}

async function post(session: StaffSession, form: Record<string, string>): Promise<APIGatewayProxyResult> {
  switch (form.action) {
    case 'add-clinic': {
      const id = clinicIdSchema.safeParse(form.newClinicId);
      const fields = { name: form.name ?? '', address: form.address ?? '', postcode: form.postcode ?? '' };
      const clinic = parseForm(clinicSchema, { ...fields, services: form.services ? [form.services] : [] } as never);
      const issues = [
        ...(id.success ? [] : [{ path: 'newClinicId', message: 'Enter 2-41 lower-case letters, digits and hyphens' }]),
        ...('issues' in clinic
          ? clinic.issues.map((i) => (i.path.startsWith('services') ? { path: 'services', message: 'Choose a service' } : i))
          : []),
      ];
      if (issues.length || 'issues' in clinic) return clinicsPage(session, await view(), { values: form, issues }, undefined, 400);
      await putClinic(id.data!, clinic);
      return clinicsPage(session, await view(), undefined, `Clinic ${clinic.name} added.`);
    }
    case 'add-session': {
      const parsed = parseForm(sessionFormSchema, form);
      if ('issues' in parsed) return clinicsPage(session, await view(), { values: form, issues: parsed.issues }, undefined, 400);
      const { added } = await addSession(parsed);
      return clinicsPage(
        session,
        await view(),
        undefined,
        `Session added: ${added} appointment slots made for the next ${config().TIMETABLE_WEEKS_AHEAD} weeks.`,
      );
    }
    case 'cancel-date': {
      const result = await cancelSessionOn(form.sessionId ?? '', form.date ?? '', session.user);
      if (!result) return messagePage(404, 'Page not found', 'There is no such session.');
      const moved = result.moved.length
        ? ` ${result.moved.length} booked patient(s) moved to the booking worklist and texted: ${result.moved.join(', ')}.`
        : '';
      return clinicsPage(session, await view(), undefined, `Session on ${form.date} cancelled: ${result.slots} slot(s).${moved}`);
    }
    case 'cancel-slot': {
      const result = await cancelSlot(form.slotId ?? '', session.user);
      const moved = result.moved.length ? ` Referral ${result.moved[0]} moved to the booking worklist, and the patient texted.` : '';
      return clinicsPage(session, await view(), undefined, `${result.slots ? 'Slot cancelled.' : 'Nothing to cancel.'}${moved}`);
    }
    default:
      return messagePage(400, 'Sorry, we could not do that', 'Use the buttons on the page.');
  }
}

export const handler = staffPageHandler(
  async (event, session, form) => {
    if (event.httpMethod === 'POST') return post(session, form);
    const { session: sessionId, date } = event.queryStringParameters ?? {};
    if (sessionId && date) {
      const s = (await timetable()).sessions.find((x) => x.sessionId === sessionId);
      if (!s) return messagePage(404, 'Page not found', 'There is no such session.');
      const slots = await Promise.all(slotsOn(s, date).map((slot) => getSlot(slotIdOf(slot.clinicId, slot.start))));
      return sessionDayPage(
        session,
        s,
        date,
        slots.flatMap((slot) => slot ?? []),
      );
    }
    return clinicsPage(session, await view());
  },
  ['service-lead'],
);
