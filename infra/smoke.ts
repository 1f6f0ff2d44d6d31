/**
 * `npm run smoke -- --url <ApiUrl> --token-url <TokenUrl> --client-id <id> [--alarm <SmokeAlarmName>]`:
 * the checks to run after a deployment (infra/smoke-checks.ts); `--help` for every option. Prints
 * one line per check and exits 1 if any failed (2 for a command line it cannot use).
 */
import { smokeCli } from './smoke-checks.js';

process.exit(await smokeCli(process.argv.slice(2)));
