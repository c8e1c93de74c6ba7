import { chromiumProject } from './test-support/vitest.js';

export default chromiumProject({ include: ['test/**/*.test.ts'] });
