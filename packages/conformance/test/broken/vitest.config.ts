import { nodeProject } from '@micgate/config/vitest';

// Only for test/broken-adapters.test.ts, which runs these suites in a child Vitest and reads the report.
export default nodeProject({ include: ['test/broken/*.conformance.ts'] });
