import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { conformanceOnMock, root } from './conformance-projects.mjs';

// The tests Stryker runs against each mutant of @micgate/core: core's own tests and the whole
// conformance suite on the mock (virtual time, so a mutant run takes milliseconds, not seconds).
// Each project keeps its package's vitest.config (the `@micgate/source` condition resolves core's source).
export default defineConfig({
  root,
  test: { projects: [join(root, 'packages/core'), ...conformanceOnMock()] },
});
