import { nodeProject } from '@micgate/config/vitest';

export default nodeProject({
  include: ['test/**/*.test.ts', 'e2e/**/*.test.ts'],
  testTimeout: 60_000,
  hookTimeout: 60_000,
});
