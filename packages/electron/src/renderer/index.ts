import {
  type AdapterSupports,
  type AudioFormat,
  type CaptureRequest,
  type DeniedRecovery,
  type DeviceFrame,
  errorFromCode,
  InvalidArgumentError,
  PromptUnavailableError,
  type PromptRequest,
  type RecordPermission,
  type RecordPermissionAdapter,
  singleFlight,
} from '@micgate/core';
import {
  type BrowserCaptureOptions,
  type CaptureState,
  captureFrom,
  createBrowserCapture,
  createDeviceLister,
  type MediaDevicesLike,
} from '@micgate/browser';
import { Observable, Subject, takeUntil } from 'rxjs';
import type { BridgeResult, MicrophoneBridge, PermissionState } from '../shared/protocol.js';

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
  /** Where `devicechange` is heard (and, without `enumerateDevices`, devices listed). Default `navigator.mediaDevices`. */
  mediaDevices?: MediaDevicesLike;
}

export interface ElectronAdapter extends RecordPermissionAdapter {
  /** Why the permission is what it is, when the reason lies outside the app (macOS privacy settings). */
  readonly reason: string | undefined;
  changes(): Observable<RecordPermission>;
  /** While denied: the way back the broker describes (the OS privacy pane, or the app's own setting). */
  recovery(): DeniedRecovery | undefined;
  /**
   * Open it (the broker's `openRecoverySettings()`): the OS privacy pane, or the app's own setting.
   * Resolves when it has been opened (a change made there arrives through `changes()`).
   */
  openRecoverySettings(): Promise<void>;
  /**
   * Whether capture's audio flows (see @micgate/browser's CaptureState). Electron windows start
   * audio without a gesture by default; a window made with `autoplayPolicy:
   * 'document-user-activation-required'` reports 'needs-user-gesture' until the user clicks.
   */
  readonly captureState: CaptureState;
  readonly captureState$: Observable<CaptureState>;
  /**
   * Release the adapter (the app's to call): an open prompt resolves 'undetermined' here (the
   * broker's dialog stays up in the main process, and the broker keeps its answer); `changes()`
   * and open captures complete. The main process's broker has its own `close()`.
   */
  close(): void;
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
  const { bridge: _bridge, enumerateDevices, mediaDevices, device: chosenDevice, ...captureOptions } = options;
  if (enumerateDevices !== undefined && typeof enumerateDevices !== 'function') {
    throw new InvalidArgumentError('enumerateDevices', enumerateDevices, 'a function');
  }
  let reason: string | undefined;
  // The browser's device code: the broker's answers re-list, since a grant is what reveals the labels.
  const permissionChanges = new Observable<PermissionState>((subscriber) =>
    bridge.onChange((state: PermissionState) => subscriber.next(state)),
  );
  const lister = createDeviceLister({ mediaDevices, enumerateDevices, permissionChanges });
  let recovery: DeniedRecovery | undefined;
  // The broker decides: a track that ends while it still grants was lost, not revoked.
  const browser = createBrowserCapture({
    ...captureOptions,
    classifyTrackEnd: async () => (unwrap(await bridge.status()) === 'granted' ? 'lost' : 'revoked'),
  });

  function unwrap(result: BridgeResult): RecordPermission {
    if (result.ok) {
      reason = result.reason;
      recovery = result.recovery;
      return result.permission;
    }
    // The same class the main process refused with, InvalidArgumentError's field included.
    const { code, message, field } = result;
    throw errorFromCode(field === undefined ? { code, message } : { code, message, field });
  }

  let closed = false;
  const closed$ = new Subject<void>();
  const waiting = new Set<(permission: RecordPermission) => void>();
  // One request at a time from this renderer; the broker shares one dialog across renderers too.
  const ask = singleFlight(async (request: PromptRequest) => {
    const { usageDescription, appName } = request;
    return unwrap(await bridge.request(appName === undefined ? { usageDescription } : { usageDescription, appName }));
  });

  const deviceChanges = lister?.deviceChanges;
  const supports: AdapterSupports = {
    changes: true,
    devices: lister !== undefined,
    deviceChanges: deviceChanges !== undefined,
  };
  const adapter: ElectronAdapter = {
    name: 'electron',
    supports,
    get reason() {
      return reason;
    },
    status: async () => unwrap(await bridge.status()),
    prompt(request: PromptRequest) {
      if (request === null || typeof request !== 'object')
        return Promise.reject(new InvalidArgumentError('request', request, 'an object'));
      if (closed) return Promise.resolve('undetermined');
      return new Promise<RecordPermission>((resolve, reject) => {
        const settle = (permission: RecordPermission) => {
          waiting.delete(settle);
          resolve(permission);
        };
        waiting.add(settle);
        ask(request).then(settle, (error: unknown) => {
          waiting.delete(settle);
          reject(error);
        });
      });
    },
    changes: () =>
      new Observable<RecordPermission>((subscriber) =>
        bridge.onChange((state: PermissionState) => {
          reason = state.reason;
          recovery = state.recovery;
          subscriber.next(state.permission);
        }),
      ).pipe(takeUntil(closed$)),
    capture: (format: AudioFormat, request?: CaptureRequest): Observable<DeviceFrame> =>
      captureFrom(lister, request?.device ?? chosenDevice, (device) =>
        browser.capture(format, device === undefined ? {} : { device }),
      ).pipe(takeUntil(closed$)),
    ...(lister ? { devices: lister.devices } : {}),
    ...(deviceChanges ? { deviceChanges: () => deviceChanges().pipe(takeUntil(closed$)) } : {}),
    recovery: () => recovery,
    async openRecoverySettings() {
      if (typeof bridge.openSettings !== 'function') {
        throw new PromptUnavailableError(
          "the preload's micgate bridge cannot open settings (update @micgate/electron there)",
        );
      }
      unwrap(await bridge.openSettings());
    },
    get captureState() {
      return browser.state;
    },
    captureState$: browser.state$,
    close() {
      if (closed) return;
      closed = true;
      for (const settle of [...waiting]) settle('undetermined');
      closed$.next();
      closed$.complete();
    },
  };
  return adapter;
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
