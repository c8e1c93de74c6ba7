import { firefoxProject } from '@micgate/firefox-rig/vitest';
import { defineConfig } from 'vitest/config';

// The adapter in Firefox ESR (tooling/firefox-rig): the conformance suite and Firefox's own behaviour.
export default defineConfig({
  test: { projects: [firefoxProject({ include: ['test-firefox/**/*.test.ts'] })] },
});
