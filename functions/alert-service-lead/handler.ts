/** Workflow task: email the service lead about an emergency at screening (no patient details). */
import { z } from 'zod';
import { taskHandler } from '../../shared/http/task.js';
import { alertServiceLeadToEmergency } from '../../shared/services/emergency.js';

export const handler = taskHandler(z.object({ referralId: z.string() }), ({ referralId }) => alertServiceLeadToEmergency(referralId));
