import { nodeProject } from '@micgate/config/vitest';
import { defineConfig } from 'vitest/config';
// The browser package's Chromium rig (Debian's /usr/bin/chromium with a fake microphone playing a
// 440 Hz sine, and the CDP command that sets the origin's microphone permission).
import { chromiumProject } from '@micgate/chromium-rig/vitest';

const node = nodeProject({ name: 'electron:node', include: ['test/*.test.ts'], testTimeout: 15_000 });
const chromium = chromiumProject({ include: ['test/browser/**/*.test.ts'], testTimeout: 30_000 });

export default defineConfig({
  test: {
    projects: [node, { ...chromium, test: { ...chromium.test, name: 'electron:chromium', fileParallelism: false } }],
  },
});
