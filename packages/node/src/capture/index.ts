// For the adapter (packages/node/src/adapter.ts) and apps:
//   openCapture(format, { device })  → Observable<DeviceFrame>; subscribe opens, unsubscribe closes.
//   listInputDevices()               → Promise<AudioInputDevice[]> (ids like "pulse:<source>", "ALSA:pulse").
//   inputDeviceChanges()             → Observable of the inputs now and on every change.
//   captureStats()                   → { openStreams, opened, framesLost, inputOverflows } (tests: "device closed").
//   portAudioVersion()               → diagnostics.
//   preparePortAudio()               → start PortAudio ahead of a likely open (no stream, nothing captured).
// The addon loads on first use, so importing this module never needs it built.
export { inputDeviceChanges } from './device-changes.js';
export { type DeviceSelector, listInputDevices } from './devices.js';
export {
  type CaptureLoss,
  type CaptureOptions,
  type CaptureStats,
  captureStats,
  checkCaptureOptions,
  openCapture,
  portAudioVersion,
} from './open-capture.js';
export { preparePortAudio } from './prepare.js';
