import { nodeProject } from '@micgate/config/vitest';

// The end-to-end tests run the built recorder against the audio rig, one at a time.
export default nodeProject({ fileParallelism: false, testTimeout: 30_000, hookTimeout: 30_000 });
