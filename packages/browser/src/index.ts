export {
  type BrowserAdapter,
  type BrowserAdapterOptions,
  type BrowserPromptOptions,
  createBrowserAdapter,
} from './adapter.js';
export { AudioSetupError } from './audio-setup.js';
export {
  type BrowserCapture,
  type BrowserCaptureOptions,
  createBrowserCapture,
  type GetUserMedia,
} from './browser-capture.js';
export { type CaptureAudioOptions, type CaptureSource, captureAudio, type TrackEndCause } from './capture.js';
export type { CaptureState } from './capture-state.js';
export { CAPTURE_PROCESSOR_NAME, captureWorkletSource, captureWorkletUrl } from './capture-worklet.js';
export { RAW_AUDIO_CONSTRAINTS } from './constraints.js';
export {
  captureFrom,
  createDeviceLister,
  DEVICE_POLL_MS,
  type DeviceLister,
  type DeviceListerOptions,
  type MediaDevicesLike,
  toAudioInputs,
} from './devices.js';
export { createExplanationDialog, type ExplainHook, type ExplanationDialogOptions } from './explanation.js';
export { classifyMediaError, type MediaErrorKind, normalizeMediaError } from './media-errors.js';
export {
  createPermissionWatcher,
  type PermissionStatusLike,
  type PermissionsLike,
  type PermissionWatcher,
  type PermissionWatcherOptions,
  toRecordPermission,
} from './permission-watcher.js';
