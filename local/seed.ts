/**
 * A realistic timetable for fictional clinics, so that `npm start` is bookable at once: four
 * clinics, weekday sessions for the next five weeks, each service where the clinic offers it.
 * Loaded through the same store code the admin endpoint uses, and only into an empty service.
 */
import { now } from '../shared/clock.js';
import type { ClinicInput, SlotInput } from '../shared/domain/booking.js';
import { addSlot, getClinic, putClinic } from '../shared/store/clinics.js';

export const SEED_CLINICS: Record<string, ClinicInput> = {
  'chorley-msk-hub': {
    name: 'Chorley MSK Hub',
    address: 'Chorley Health Centre, Collison Avenue, Chorley',
    postcode: 'PR7 1AA',
    services: ['physiotherapy', 'spinal', 'orthopaedic-triage', 'pain-management'],
  },
  'leyland-clinic': { name: 'Leyland Clinic', address: 'Towngate, Leyland', postcode: 'PR25 2LE', services: ['physiotherapy', 'podiatry'] },
  'preston-rheumatology': {
    name: 'Preston Rheumatology Clinic',
    address: 'Sharoe Green Lane, Preston',
    postcode: 'PR2 9HT',
    services: ['rheumatology', 'orthopaedic-triage', 'pain-management'],
  },
  'bamber-bridge-centre': {
    name: 'Bamber Bridge Centre',
    address: 'Station Road, Bamber Bridge',
    postcode: 'PR5 6QR',
    services: ['physiotherapy', 'podiatry', 'spinal'],
  },
};

const TIMES = ['09:00', '09:45', '10:30', '11:15', '13:30', '14:15', '15:00', '15:45'];
const CLINICIAN: Record<string, SlotInput['clinicianType']> = {
  physiotherapy: 'physiotherapist',
  spinal: 'advanced-practitioner',
  'orthopaedic-triage': 'orthopaedic-practitioner',
  'pain-management': 'pain-specialist',
  podiatry: 'podiatrist',
  rheumatology: 'rheumatologist',
};

export function seedSlots(from: Date, days = 35): SlotInput[] {
  const slots: SlotInput[] = [];
  for (let d = 1; d <= days; d++) {
    const day = new Date(from.getTime() + d * 86_400_000);
    if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
    const date = day.toISOString().slice(0, 10);
    for (const [clinicId, clinic] of Object.entries(SEED_CLINICS)) {
      TIMES.forEach((time, i) => {
        const service = clinic.services[(i + d) % clinic.services.length]!;
        slots.push({
          clinicId,
          service,
          start: new Date(`${date}T${time}:00Z`).toISOString(),
          lengthMinutes: 45,
          clinicianType: CLINICIAN[service]!,
        });
      });
    }
  }
  return slots;
}

/** Seeds clinics and slots unless the first clinic is already there; returns the slots added. */
export async function seedTimetable(): Promise<number> {
  if (await getClinic(Object.keys(SEED_CLINICS)[0]!)) return 0;
  for (const [clinicId, clinic] of Object.entries(SEED_CLINICS)) await putClinic(clinicId, clinic);
  const slots = seedSlots(now());
  let added = 0;
  for (let i = 0; i < slots.length; i += 25) {
    const results = await Promise.all(slots.slice(i, i + 25).map(addSlot));
    added += results.filter(Boolean).length;
  }
  return added;
}
