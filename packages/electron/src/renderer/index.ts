import {
  type AdapterSupports,
  type AudioFormat,
  type DeviceFrame,
  InvalidArgumentError,
  MicgateError,
  MissingUsageDescriptionError,
  PromptUnavailableError,
  type PromptRequest,
  type RecordPermission,
  type RecordPermissionAdapter,
} from '@micgate/core';
import { type BrowserAdapterOptions, createBrowserAdapter } from '@micgate/browser';
import { Observable } from 'rxjs';
import { type BridgeResult, ERROR_CODES, type MicrophoneBridge, type PermissionState } from '../shared/protocol.js';

export type { BridgeRequest, BridgeResult, MicrophoneBridge, PermissionState } from '../shared/protocol.js';

export interface ElectronAdapterOptions {
  /** The preload's bridge. Default: `globalThis.micgate` (what `exposeMicrophoneBridge` sets). */
  bridge?: MicrophoneBridge;
  /**
   * Options of the browser adapter that captures (device, constraints, worklet URL). Its
   * getUserMedia reaches the broker's permission request handler in the main process.
   */
  browser?: Omit<BrowserAdapterOptions, 'explain'>;
}

export interface ElectronAdapter extends RecordPermissionAdapter {
  /** Why the permission is what it is, when the reason lies outside the app (macOS privacy settings). */
  readonly reason: string | undefined;
  changes(): Observable<RecordPermission>;
}

/**
 * A RecordPermissionAdapter for Electron's renderer: status, prompt and changes go through the
 * preload bridge to the main-process broker (which owns the decision and the dialog); capture is
 * the browser adapter's.
 */
export function createElectronAdapter(options: ElectronAdapterOptions = {}): ElectronAdapter {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', options, 'an object');
  const bridge = options.bridge ?? (globalThis as { micgate?: MicrophoneBridge }).micgate;
  if (!isBridge(bridge)) {
    throw new InvalidArgumentError(
      'bridge',
      bridge,
      'the micgate bridge (expose it from the preload with exposeMicrophoneBridge, or pass it)',
    );
  }
  // Capture and device listing are the browser adapter's; its permission half is not used here.
  const browser = createBrowserAdapter(options.browser ?? {});
  let reason: string | undefined;

  function unwrap(result: BridgeResult): RecordPermission {
    if (result.ok) {
      reason = result.reason;
      return result.permission;
    }
    throw errorFor(result);
  }

  const supports: AdapterSupports = { changes: true, devices: browser.supports.devices };
  const adapter: ElectronAdapter = {
    name: 'electron',
    supports,
    get reason() {
      return reason;
    },
    status: async () => unwrap(await bridge.status()),
    async prompt(request: PromptRequest) {
      if (request === null || typeof request !== 'object') throw new InvalidArgumentError('request', request, 'an object');
      const { usageDescription, appName } = request;
      return unwrap(await bridge.request(appName === undefined ? { usageDescription } : { usageDescription, appName }));
    },
    changes: () =>
      new Observable<RecordPermission>((subscriber) =>
        bridge.onChange((state: PermissionState) => {
          reason = state.reason;
          subscriber.next(state.permission);
        }),
      ),
    capture: (format: AudioFormat): Observable<DeviceFrame> => browser.capture(format),
    // Present exactly when supports.devices says so.
    ...(browser.devices === undefined ? {} : { devices: () => browser.devices!() }),
  };
  return adapter;
}

function errorFor(result: Extract<BridgeResult, { ok: false }>): Error {
  switch (result.code) {
    case ERROR_CODES.missingUsageDescription:
      return new MissingUsageDescriptionError();
    case ERROR_CODES.promptUnavailable:
      return new PromptUnavailableError(result.message);
    default:
      return new MicgateError(result.code, result.message);
  }
}

function isBridge(value: unknown): value is MicrophoneBridge {
  const bridge = value as Partial<MicrophoneBridge> | null | undefined;
  return (
    bridge != null &&
    typeof bridge.status === 'function' &&
    typeof bridge.request === 'function' &&
    typeof bridge.onChange === 'function'
  );
}
