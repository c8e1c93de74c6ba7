// Everything `micgate` exports under every condition, except createAudioSession.
export * from '@micgate/core';
export type { CreateMicgateSession, MicgateSession, MicgateSessionOptions } from './options.js';
