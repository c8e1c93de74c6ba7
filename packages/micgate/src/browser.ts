import { createBrowserAdapter } from '@micgate/browser';
import type { RecordPermissionAdapter } from '@micgate/core';
import { createElectronAdapter } from '@micgate/electron/renderer';
import type { MicgateSessionOptions } from './options.js';
import type { CreateMicgateSession } from './options.js';
import { checkDevice, createSessionWith } from './session.js';

export * from './shared.js';

/**
 * Browsers (export condition `browser`), Electron renderers included: when the preload bridge is
 * there (`window.micgate`, from `micgate/electron/preload`), the Electron adapter; otherwise the
 * browser adapter. Read when the session is made, so importing touches neither window nor navigator.
 */
export const createAudioSession: CreateMicgateSession = (options) => createSessionWith(options, browserDefault);

function browserDefault(options: MicgateSessionOptions): RecordPermissionAdapter {
  const device = checkDevice(options);
  const browser = device === undefined ? {} : { deviceId: device };
  return hasElectronBridge() ? createElectronAdapter({ browser }) : createBrowserAdapter(browser);
}

/** The bridge `exposeMicrophoneBridge` puts on the page: three functions under `micgate`. */
function hasElectronBridge(): boolean {
  const bridge = (globalThis as { micgate?: Record<string, unknown> }).micgate;
  return (
    typeof bridge === 'object' &&
    bridge !== null &&
    typeof bridge.status === 'function' &&
    typeof bridge.request === 'function' &&
    typeof bridge.onChange === 'function'
  );
}
