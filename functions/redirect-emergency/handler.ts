/** Workflow task: an emergency at screening (suspected cauda equina): A&E now, lead told, closed. */
import * as z from 'zod';

import { taskHandler } from '../../shared/http/task.js';
import { redirectEmergency } from '../../shared/services/emergency.js';

export const handler = taskHandler(z.object({ referralId: z.string() }), ({ referralId }) => redirectEmergency(referralId));
