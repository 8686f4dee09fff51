/** `npm run backup -- --out DIR|gs://…` (see commands.ts). */
import { stdio } from '../lib/cli.ts';
import { backupCommand } from './commands.ts';

process.exitCode = await backupCommand(process.argv.slice(2), stdio);
