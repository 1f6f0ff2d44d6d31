/**
 * `npm run backfill:nhs-index -- --table <name>`: once, after upgrading from a version without the
 * staff search by NHS number, adds the referrals stored before it to the byNhsNumber index, so that
 * "Find a referral" finds them too. Safe to run again (an indexed referral is left as it is) and
 * while the service runs (a referral whose details are removed meanwhile is skipped). Prints counts
 * only, never an NHS number. Runs with the operator's AWS credentials: a scan of the table is an
 * operator's job, and no function may Scan.
 */
import { runAgainstTable } from './operator-script.js';

export async function backfillNhsIndex(log: (line: string) => void = console.log): Promise<{ indexed: number; skipped: number }> {
  const { addToNhsIndex, referralsMissingNhsIndex } = await import('../shared/store/referrals.js');
  const counts = { indexed: 0, skipped: 0 };
  for await (const page of referralsMissingNhsIndex()) {
    for (const { id, nhsNumber } of page) {
      if (await addToNhsIndex(id, nhsNumber)) counts.indexed++;
      else counts.skipped++;
    }
    if (page.length) log(`indexed ${counts.indexed} so far`);
  }
  log(`done: ${counts.indexed} referral(s) added to the NHS number index, ${counts.skipped} changed meanwhile and skipped`);
  return counts;
}

await runAgainstTable(import.meta.url, 'backfill:nhs-index', () => backfillNhsIndex());
