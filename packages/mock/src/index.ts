export { type DecisionChange, type DecisionSource, MockDecisionStore } from './decisions.js';
export { MockDevice, type MockDeviceOptions, type MockFault } from './device.js';
export { MockInputs } from './inputs.js';
export { createMockPlatform, type MockPlatform, type MockPlatformOptions } from './platform.js';
export { fromSamples, type MockSignal, noise, silence, sine } from './signals.js';
export { type MockAnswer, MockUser, type PromptRecord } from './user.js';
export { VirtualClock } from './virtual-clock.js';
