/** What the operator's one-off scripts share: run from the command line against the table named by `--table`. */
import { parseArgs } from 'node:util';

/** Runs `run` when `moduleUrl` is the script node was started with, against `--table <name>`. */
export async function runAgainstTable(moduleUrl: string, script: string, run: () => Promise<unknown>): Promise<void> {
  if (moduleUrl !== `file://${process.argv[1]}`) return;
  const { values } = parseArgs({ options: { table: { type: 'string' } } });
  if (!values.table) {
    console.error(`usage: npm run ${script} -- --table <the stack output TableName>`);
    process.exit(2);
  }
  process.env.TABLE_NAME = values.table;
  await run();
}
