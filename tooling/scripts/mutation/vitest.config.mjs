import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The tests Stryker runs against each mutant of @micgate/core: core's own tests and the whole
// conformance suite on the mock (virtual time, so a mutant run takes milliseconds, not seconds).
// Each project keeps its own vitest.config (the `@micgate/source` condition resolves core's source).
export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  test: { projects: ['packages/core', 'packages/mock'] },
});
