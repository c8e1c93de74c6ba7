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
import { type BrowserCaptureOptions, type CaptureState, createBrowserCapture, createDeviceLister } from '@micgate/browser';
import { Observable } from 'rxjs';
import { type BridgeResult, ERROR_CODES, type MicrophoneBridge, type PermissionState } from '../shared/protocol.js';

export type { BridgeRequest, BridgeResult, MicrophoneBridge, PermissionState } from '../shared/protocol.js';

/**
 * Capture options are the browser's (`device`, `audioConstraints`, `workletUrl`, `latencyHint`,
 * `getUserMedia`, `document`); the page's getUserMedia reaches the broker's permission request
 * handler in the main process.
 */
export interface ElectronAdapterOptions extends Omit<BrowserCaptureOptions, 'classifyTrackEnd'> {
  /** The preload's bridge. Default: `globalThis.micgate` (what `exposeMicrophoneBridge` sets). */
  bridge?: MicrophoneBridge;
  /** Defaults to `navigator.mediaDevices.enumerateDevices`. */
  enumerateDevices?: () => Promise<MediaDeviceInfo[]>;
}

export interface ElectronAdapter extends RecordPermissionAdapter {
  /** Why the permission is what it is, when the reason lies outside the app (macOS privacy settings). */
  readonly reason: string | undefined;
  /**
   * Whether capture's audio flows (see @micgate/browser's CaptureState). Electron windows start
   * audio without a gesture by default; a window made with `autoplayPolicy:
   * 'document-user-activation-required'` reports 'needs-user-gesture' until the user clicks.
   */
  readonly captureState: CaptureState;
  readonly captureState$: Observable<CaptureState>;
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
  const { bridge: _bridge, enumerateDevices, ...captureOptions } = options;
  if (enumerateDevices !== undefined && typeof enumerateDevices !== 'function') {
    throw new InvalidArgumentError('enumerateDevices', enumerateDevices, 'a function');
  }
  const devices = createDeviceLister(enumerateDevices);
  let reason: string | undefined;
  // The broker decides: a track that ends while it still grants was lost, not revoked.
  const browser = createBrowserCapture({
    ...captureOptions,
    classifyTrackEnd: async () => (unwrap(await bridge.status()) === 'granted' ? 'lost' : 'revoked'),
  });

  function unwrap(result: BridgeResult): RecordPermission {
    if (result.ok) {
      reason = result.reason;
      return result.permission;
    }
    throw errorFor(result);
  }

  const supports: AdapterSupports = { changes: true, devices: devices !== undefined };
  const adapter: ElectronAdapter = {
    platform: 'electron',
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
    ...(devices ? { devices } : {}),
    get captureState() {
      return browser.state;
    },
    captureState$: browser.state$,
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
