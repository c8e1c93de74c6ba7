export { type DecisionChange, type DecisionSource, MockDecisionStore } from './decisions.js';
export {
  createMockPlatform,
  type MockAnswer,
  MockDevice,
  type MockFault,
  type MockPlatform,
  type MockPlatformOptions,
  MockUser,
  type PromptRecord,
} from './platform.js';
export { fromSamples, type MockSignal, noise, silence, sine } from './signals.js';
export { VirtualClock } from './virtual-clock.js';
