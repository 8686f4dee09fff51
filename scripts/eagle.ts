/** `npm run eagle -- <command> [--port-offset N | --project ID] [--json]` — see scripts/eagle/program.ts. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runEagle } from './eagle/program.ts';
import { stdio } from './lib/io.ts';

const envFile = fileURLToPath(new URL('../.env', import.meta.url));
if (existsSync(envFile)) process.loadEnvFile(envFile);
process.exitCode = await runEagle(process.argv.slice(2), { io: stdio });
