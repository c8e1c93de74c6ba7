import { InvalidArgumentError } from '@micgate/core';
import { createMicrophoneBroker, type MicrophoneBroker, type MicrophoneBrokerOptions } from './broker.js';
import { decisionFile } from './decision-file.js';

export { createMicrophoneBroker, type MicrophoneBroker, type MicrophoneBrokerOptions } from './broker.js';
export { MACOS_SETTINGS_REASON, WINDOWS_SETTINGS_REASON } from './decision-state.js';
export { PRIVACY_PANES } from './recovery.js';
export { DIALOG_BUTTONS } from './dialog.js';
export type { PermissionCheckHandler, PermissionRequestHandler } from './permission-handlers.js';
export { MAX_USAGE_DESCRIPTION_LENGTH } from './validation.js';
export { DECISION_FILE_NAME, type DecisionFileOptions, decisionFile } from './decision-file.js';
export { type DecisionStore, memoryDecisionStore } from './decision-store.js';
export { originOf } from './origin.js';
export { type BridgeRequest, type BridgeResult, CHANNELS, type PermissionState } from '../shared/protocol.js';

export interface InstallMicrophoneBrokerOptions extends Omit<MicrophoneBrokerOptions, 'store' | 'os'> {
  /** `app.getPath('userData')`: the decision is kept there as JSON. */
  userDataPath: string;
  /** Defaults to `process.platform`. */
  os?: string;
}

/**
 * Install the broker in the main process, synchronously, before any window loads: until a
 * permission request handler exists, Electron approves every request.
 *
 * ```ts
 * import { app, dialog, ipcMain, session, systemPreferences } from 'electron';
 * const broker = installMicrophoneBroker({
 *   session: session.defaultSession, ipcMain, dialog, systemPreferences,
 *   userDataPath: app.getPath('userData'), allowedOrigins: ['app://bundle'],
 *   usageDescription: 'Records voice notes.',
 * });
 * ```
 */
export function installMicrophoneBroker(options: InstallMicrophoneBrokerOptions): MicrophoneBroker {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', options, 'an object');
  const { userDataPath, os = process.platform, ...rest } = options;
  const store = decisionFile(userDataPath, options.onError ? { onError: options.onError } : {});
  return createMicrophoneBroker({ ...rest, os, store });
}
