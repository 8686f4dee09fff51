/**
 * `npm run emulators` — start the Firestore and Pub/Sub emulators with production's topics and
 * subscriptions, print the env to use them, and stop everything on Ctrl-C.
 */
import { EmulatorSetupError } from './emulator.ts';
import { startEmulatorStack } from './stack.ts';

const projectId = process.env.PROJECT_ID ?? 'demo-eagle-eye';
try {
  const stack = await startEmulatorStack({ projectId, reuseFromEnv: false });
  console.log(`emulators ready for project ${projectId}:`);
  for (const [k, v] of Object.entries(stack.env)) console.log(`  export ${k}=${v}`);
  const shutdown = async () => {
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (err) {
  console.error(err instanceof EmulatorSetupError ? err.message : err);
  process.exit(1);
}
