import { nodeProject } from '@micgate/config/vitest';

export default nodeProject({ include: ['test/**/*.test.ts'], testTimeout: 40_000, hookTimeout: 30_000 });
