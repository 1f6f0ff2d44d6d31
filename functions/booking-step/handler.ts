/** Workflow task: booking steps: prepare the invitation, confirm a booking, check on an appointment. */
import * as z from 'zod';

import { stateMachineTask } from '../../shared/http/state-machine-task.js';
import { appointmentCheck, confirmBooking, prepareBooking } from '../../shared/services/booking.js';

const input = z.object({ referralId: z.string(), action: z.enum(['prepare', 'confirm', 'check']) });

const steps = { prepare: prepareBooking, confirm: confirmBooking, check: appointmentCheck } as const;

export const handler = stateMachineTask(input, ({ referralId, action }): Promise<object> => steps[action](referralId));
