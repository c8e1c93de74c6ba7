import type { FakeMicrophoneSignal } from './index.js';

export const FAKE_MICROPHONE: FakeMicrophoneSignal;
