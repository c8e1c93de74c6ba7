import { nodeProject } from '@micgate/config/vitest';

// The built page end to end in Firefox ESR (tooling/firefox-rig), on the audio rig's microphone.
export default nodeProject({
  include: ['e2e-firefox/**/*.test.ts'],
  testTimeout: 60_000,
  hookTimeout: 60_000,
});
