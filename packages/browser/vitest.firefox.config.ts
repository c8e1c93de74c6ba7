import { firefoxProject } from '@micgate/firefox-rig/vitest';
import { defineConfig } from 'vitest/config';

// The adapter in Firefox ESR (tooling/firefox-rig): the conformance suite, and Firefox's autoplay
// policy in a tab nobody has clicked (its own project: user activation is sticky for the tab).
export default defineConfig({
  test: {
    projects: [
      firefoxProject({ include: ['test-firefox/**/*.test.ts'], groupOrder: 1 }),
      firefoxProject({ name: 'firefox:no-gesture', include: ['test-firefox-no-gesture/**/*.test.ts'], groupOrder: 0 }),
    ],
  },
});
