export type {
  AdapterCaptureState,
  AdapterSupports,
  AudioFormat,
  AudioFrame,
  AudioInputDevice,
  AudioSession,
  AudioSessionOptions,
  CaptureRequest,
  DeviceFrame,
  PromptRequest,
  RecordPermission,
  RecordOptions,
  RecordPermissionAdapter,
  RecordPermissionResponse,
  RequestOptions,
  SilenceReason,
} from './types.js';
export {
  abortError,
  DeviceBusyError,
  DeviceLostError,
  DeviceNotFoundError,
  ErrorCode,
  type ErrorData,
  errorFromCode,
  InvalidArgumentError,
  MicgateError,
  MicrophoneDeniedError,
  MissingUsageDescriptionError,
  PromptUnavailableError,
  SessionClosedError,
  toErrorData,
  UnsupportedFormatError,
} from './errors.js';
export { bufferDuration, DEFAULT_FORMAT, FORMAT_LIMITS, resolveFormat } from './format.js';
export { createPacedClock, type PacedClock } from './paced-clock.js';
export { isRecordPermission } from './permission.js';
export { DEVICE_SILENT_SECONDS } from './gate.js';
export { DEVICE_RETRY_MS } from './device-survival.js';
export { createAudioSession } from './session.js';
export { singleFlight } from './single-flight.js';
export { type Level, levelBar, levelFraction, measureLevel } from './level.js';
export {
  type DecodedWav,
  decodeWav,
  encodeWav,
  encodeWavSamples,
  type WavFormat,
  type WavSampleFormat,
  wavHeader,
} from './wav.js';
export {
  createWavWriter,
  WAV_MAX_DATA_BYTES,
  WavTooLargeError,
  type WavSink,
  WavWriteError,
  type WavWriter,
  type WavWriterOptions,
} from './wav-writer.js';
export { isBlankUsageDescription } from './usage-description.js';
