/** Workflow task: email a staff topic about a referral (no patient details; a link at most). */
import * as z from 'zod';

import { stateMachineTask } from '../../shared/http/state-machine-task.js';
import { emailStaffAbout, STAFF_MESSAGES, type StaffMessage } from '../../shared/services/staff-messages.js';

const input = z.object({ referralId: z.string(), message: z.enum(Object.keys(STAFF_MESSAGES) as [StaffMessage, ...StaffMessage[]]) });

export const handler = stateMachineTask(input, ({ referralId, message }) => emailStaffAbout(referralId, message));
