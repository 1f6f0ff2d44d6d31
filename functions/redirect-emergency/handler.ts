/** Workflow task: an emergency at screening (suspected cauda equina): A&E now, lead told, closed. */
import * as z from 'zod';

import { stateMachineTask } from '../../shared/http/state-machine-task.js';
import { redirectEmergency } from '../../shared/services/emergency.js';

export const handler = stateMachineTask(z.object({ referralId: z.string() }), ({ referralId }) => redirectEmergency(referralId));
