import { nodeProject } from '@micgate/config/vitest';

// One file at a time: the capture tests share one PulseAudio rig and one real-time machine.
export default nodeProject({
  globalSetup: ['./test/rig.global-setup.ts'],
  fileParallelism: false,
  testTimeout: 30_000,
  hookTimeout: 30_000,
});
