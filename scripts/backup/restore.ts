/** `npm run restore -- --from DIR|gs://… [--force]` (see commands.ts). */
import { stdio } from '../lib/cli.ts';
import { restoreCommand } from './commands.ts';

process.exitCode = await restoreCommand(process.argv.slice(2), stdio);
