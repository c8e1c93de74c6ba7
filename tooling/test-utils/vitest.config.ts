import { nodeProject } from '@micgate/config/vitest';

export default nodeProject();
