export type {
  ConformanceHarness,
  CreateHarness,
  DeviceDriver,
  DeviceFault,
  HarnessCan,
  HarnessClock,
  HarnessTiming,
  PlayedSignal,
  PromptAnswer,
  RigAbility,
  UserDriver,
} from './harness.js';
export { gapsIn, type Received, type Recording, startRecording, watchPermission } from './recorder.js';
export { channelOf, concat, estimateFrequency, measureTone } from './signal.js';
export { CONFORMANCE_PURPOSE, type ConformanceOptions, describeConformance } from './suite.js';
