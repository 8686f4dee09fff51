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

let stack: EmulatorStack | undefined;

export async function setup(project: TestProject): Promise<void> {
  stack = await startEmulatorStack({ projectId: TEST_PROJECT_ID, portOffset: TEST_PORT_OFFSET });
  project.provide('emulators', {
    firestoreHost: stack.firestoreHost,
    pubsubHost: stack.pubsubHost,
    projectId: TEST_PROJECT_ID,
    portOffset: TEST_PORT_OFFSET,
  });
}

export async function teardown(): Promise<void> {
  await stack?.stop();
}
