import { defineConfig } from 'vitest/config';
import { nodeMismatch } from './functions/src/runtime.ts';

// The suite runs on the deploy runtime's Node (functions/src/runtime.ts), or not at all.
const mismatch = nodeMismatch();
if (mismatch) throw new Error(mismatch);

// Four projects: `unit` is pure code (no emulator, runs alone with `npm run test:unit`);
// `integration` talks to the real Firestore and Pub/Sub emulators, which its global setup starts once;
// `integration-b` is more of the same on an emulator pair of its own; `stack` runs the real `npm start`,
// which starts its own. `npm test` runs integration in one vitest process and unit, stack and
// integration-b in another, side by side (scripts/test.ts).
const STACK = ['test/integration/start*.test.ts'];
// The longest integration file, on a second emulator pair (global-setup.ts) in the unit + stack process:
// the two processes then take about as long as each other (scripts/test.ts).
const LANE_B = ['test/integration/chaosLive.test.ts'];
export default defineConfig({
  test: {
    // Under CI also write a machine-readable report; .ci/run turns it into a "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: process.env.CI ? { json: '.ci/results/vitest.json' } : undefined,
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'functions/src/**/*.test.ts',
            'scripts/**/*.test.ts',
            'emulators/**/*.test.ts',
            'infra/**/*.test.ts',
            'eslint/**/*.test.ts',
            'web/src/**/*.test.ts',
          ],
          environment: 'node',
          // Under `npm test` the unit files share two cores with the integration chain and the stack tests:
          // a replay of a few hundred ticks takes 1–2 s alone and may take 5 s then (a limit, not an assertion).
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [...STACK, ...LANE_B],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          // One emulator pair is shared; files clear the data they use, so run them one at a time.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration-b',
          include: LANE_B,
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // `npm start` as a user runs it: each file starts its own stack on its own ports (2×, 3× the
          // test offset), needs no shared emulator, and runs beside the integration chain (scripts/test.ts).
          name: 'stack',
          include: STACK,
          environment: 'node',
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
