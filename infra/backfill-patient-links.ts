/**
 * `npm run backfill:patient-links -- --table <name>`: once, right after upgrading from a version
 * whose patient links named the task itself. Each open booking step and appointment gets its
 * patient link id (a pointer to the task) and its referral is pointed at it, so that the next text
 * (a chaser, a confirmation, a reminder) carries a link that works; links sent before the upgrade
 * stay refused. Safe to run again and while the service runs. Prints counts only.
 */
import { runAgainstTable } from './operator-script.js';

export async function backfillPatientLinks(log: (line: string) => void = console.log): Promise<{ linked: number; skipped: number }> {
  const { newLinkId } = await import('../shared/domain/links.js');
  const { addPatientLink, patientTasksWithoutLink } = await import('../shared/store/tasks.js');
  const { pointAtPatientLink } = await import('../shared/store/referrals.js');
  const counts = { linked: 0, skipped: 0 };
  for await (const page of patientTasksWithoutLink()) {
    for (const task of page) {
      const linkId = newLinkId();
      if ((await addPatientLink(task, linkId)) && (await pointAtPatientLink(task.referralId, task.taskId, linkId))) counts.linked++;
      else counts.skipped++;
    }
  }
  log(
    `done: ${counts.linked} open booking step(s) and appointment(s) given a patient link, ${counts.skipped} changed meanwhile and skipped`,
  );
  return counts;
}

await runAgainstTable(import.meta.url, 'backfill:patient-links', () => backfillPatientLinks());
