import { nodeProject } from '@micgate/config/vitest';

// WebKitGTK through tooling/webkit-rig: Node-side tests, each one a conformance test run in the page.
export default nodeProject({
  include: ['test-webkit/**/*.webkit.test.ts'],
  testTimeout: 60_000,
  hookTimeout: 60_000,
});
