import type { TestProject } from 'vitest/node';
import { startEmulatorStack, type EmulatorStack } from '../../emulators/stack.ts';

/**
 * Ports shift by this much, so the suite can run next to a running `npm start`.
 * EAGLE_TEST_PORT_OFFSET moves it, so two checkouts can run their suites side by side.
 */
export const TEST_PORT_OFFSET = Number(process.env.EAGLE_TEST_PORT_OFFSET ?? 1000);
export const TEST_PROJECT_ID = 'demo-eagle-eye-test';

declare module 'vitest' {
  export interface ProvidedContext {
    emulators: { firestoreHost: string; pubsubHost: string; projectId: string; portOffset: number };
  }
}

/** every pair this process started: `npm run test:integration` runs both projects in one process */
const stacks: EmulatorStack[] = [];

/**
 * One emulator pair per project: `integration` at the test offset, `integration-b` (vitest.config.ts,
 * run in the other vitest process) at 4× it (the stack files take 2× and 3×), under a project id of
 * its own (firebase-tools keeps one hub locator per project id).
 */
export async function setup(project: TestProject): Promise<void> {
  const b = project.name === 'integration-b';
  const projectId = b ? `${TEST_PROJECT_ID}-b` : TEST_PROJECT_ID;
  const portOffset = b ? 4 * TEST_PORT_OFFSET : TEST_PORT_OFFSET;
  const stack = await startEmulatorStack({ projectId, portOffset });
  stacks.push(stack);
  project.provide('emulators', { firestoreHost: stack.firestoreHost, pubsubHost: stack.pubsubHost, projectId, portOffset });
}

export async function teardown(): Promise<void> {
  await Promise.all(stacks.splice(0).map((s) => s.stop()));
}
