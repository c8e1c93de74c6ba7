export type {
  AdapterSupports,
  AudioFormat,
  AudioFrame,
  AudioInputDevice,
  AudioSession,
  AudioSessionOptions,
  DeviceFrame,
  PromptRequest,
  RecordPermission,
  RecordPermissionAdapter,
  RecordPermissionResponse,
  RequestOptions,
} from './types.js';
export {
  abortError,
  DeviceBusyError,
  DeviceLostError,
  DeviceNotFoundError,
  InvalidArgumentError,
  MicgateError,
  MissingUsageDescriptionError,
  PromptUnavailableError,
  SessionClosedError,
} from './errors.js';
export { bufferDuration, DEFAULT_FORMAT, FORMAT_LIMITS, resolveFormat } from './format.js';
export { createAudioSession, isRecordPermission } from './session.js';
export { type Level, levelBar, levelFraction, measureLevel } from './level.js';
export { type DecodedWav, decodeWav, encodeWav, encodeWavSamples, type WavFormat, type WavSampleFormat, wavHeader } from './wav.js';
export { createWavWriter, WAV_MAX_DATA_BYTES, WavTooLargeError, type WavSink, WavWriteError, type WavWriter, type WavWriterOptions } from './wav-writer.js';
