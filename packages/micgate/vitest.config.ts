import { chromiumProject } from '@micgate/browser/test-support/vitest';
import { nodeProject } from '@micgate/config/vitest';
import { defineConfig } from 'vitest/config';

// Node: the rig's tone through the Node adapter, imports that touch nothing, and the built page in
// Chromium. One file at a time: they share one PulseAudio rig, one fake microphone, a small machine.
const node = nodeProject({
  include: ['test/node/**/*.test.ts'],
  globalSetup: ['./test/node/rig.global-setup.ts'],
  fileParallelism: false,
  testTimeout: 60_000,
  hookTimeout: 60_000,
});
// Chromium: which adapter the browser build picks, with and without the Electron bridge.
const chromium = chromiumProject({ include: ['test/browser/**/*.test.ts'] });

export default defineConfig({
  test: {
    fileParallelism: false,
    projects: [
      { ...node, test: { ...node.test, name: 'node' } },
      { ...chromium, test: { ...chromium.test, name: 'chromium' } },
    ],
  },
});
