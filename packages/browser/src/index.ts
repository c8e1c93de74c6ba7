export {
  type BrowserAdapter,
  type BrowserAdapterOptions,
  type BrowserPromptOptions,
  createBrowserAdapter,
  type GetUserMedia,
  RAW_AUDIO_CONSTRAINTS,
} from './adapter.js';
export { type CaptureAudioOptions, type CaptureSource, captureAudio, type TrackEndCause } from './capture.js';
export { CAPTURE_PROCESSOR_NAME, captureWorkletSource, captureWorkletUrl } from './capture-worklet.js';
export { createExplanationDialog, type ExplainHook, type ExplanationDialogOptions } from './explanation.js';
export { classifyMediaError, type MediaErrorKind, MicrophoneDeniedError, normalizeMediaError } from './media-errors.js';
export {
  createPermissionWatcher,
  type PermissionStatusLike,
  type PermissionsLike,
  type PermissionWatcher,
  type PermissionWatcherOptions,
  toRecordPermission,
} from './permission-watcher.js';
