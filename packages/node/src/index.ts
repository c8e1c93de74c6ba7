export { createNodeAdapter, type NodeAdapter, type NodeAdapterOptions } from './adapter.js';
export {
  type CaptureLoss,
  type CaptureOptions,
  type CaptureStats,
  captureStats,
  type DeviceSelector,
  inputDeviceChanges,
  listInputDevices,
  openCapture,
  portAudioVersion,
} from './capture/index.js';
export { type CliIo, runMicgate } from './cli/run.js';
export {
  askInTerminal,
  canPromptOn,
  createPermissionStore,
  defaultConfigDir,
  type FileWatchOptions,
  isAppId,
  type PermissionEntry,
  type PermissionSnapshot,
  type PermissionStore,
  type PermissionStoreOptions,
  type PromptQuestion,
  PROMPT_QUESTION,
  promptText,
  type StoredDecision,
  type StoreLogger,
  StoreDamagedError,
  StoreInsecureError,
  StoreVersionError,
  type TerminalPromptOptions,
} from './permission/index.js';
