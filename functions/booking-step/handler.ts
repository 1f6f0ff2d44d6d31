/**
 * Workflow task: booking steps: prepare the invitation, confirm a booking, check on an appointment,
 * and sleep until the appointment's next moment (a callback: a change to the appointment wakes it).
 */
import * as z from 'zod';

import { stateMachineTask } from '../../shared/http/state-machine-task.js';
import { appointmentCheck, confirmBooking, prepareBooking, sleepUntilAppointment } from '../../shared/services/booking.js';

const input = z.discriminatedUnion('action', [
  z.object({ referralId: z.string(), action: z.enum(['prepare', 'confirm', 'check']) }),
  z.object({ referralId: z.string(), action: z.literal('sleep'), taskToken: z.string().min(1) }),
]);

export const handler = stateMachineTask(input, async (task): Promise<object> => {
  if (task.action === 'sleep') return (await sleepUntilAppointment(task.referralId, task.taskToken), {});
  const steps = { prepare: prepareBooking, confirm: confirmBooking, check: appointmentCheck } as const;
  return steps[task.action](task.referralId);
});
