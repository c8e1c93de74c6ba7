import {
  type AudioFormat,
  type AudioInputDevice,
  type CaptureRequest,
  type DeniedRecovery,
  type DeviceFrame,
  InvalidArgumentError,
  type PromptRequest,
  type RecordPermission,
  type RecordPermissionAdapter,
  singleFlight,
} from '@micgate/core';
import { distinctUntilChanged, map, type Observable, Subject, takeUntil } from 'rxjs';
import {
  type CaptureOptions,
  checkCaptureOptions,
  type DeviceSelector,
  inputDeviceChanges,
  listInputDevices,
  openCapture,
  preparePortAudio,
} from './capture/index.js';
import { offerScan, type ScanAhead, scanAhead } from './capture/scan-ahead.js';
import { DEFAULT_TIMEOUT_SECONDS } from './capture/timeout.js';
import { assertAppId } from './permission/app-id.js';
import { askInTerminal } from './permission/prompt.js';
import { nodeRecovery } from './permission/recovery.js';
import { createPermissionStore, type PermissionStore } from './permission/store.js';

export interface NodeAdapterOptions {
  /** Keys the remembered decision, as a bundle id does on Apple platforms: `micgate grant <appId>`. */
  appId: string;
  /** The name the prompt shows; default the session's `appName`, else `appId`. */
  appName?: string;
  /** Where decisions live; default a store in `configDir`. */
  store?: PermissionStore;
  /** The folder for the default store; default `$XDG_CONFIG_HOME/micgate`. Not with `store`. */
  configDir?: string;
  /**
   * Input device when a recording names none: an id as `devices()` lists it (`pulse:<source>` with a
   * sound server, else `ALSA:<name>`), exact name, PortAudio index or a unique part of a name;
   * default the system default input.
   */
  device?: DeviceSelector;
  /** Capture tuning passed to `openCapture`: `latency`, `bufferSeconds`, `onOverflow` (lost input is reported there). */
  capture?: Omit<CaptureOptions, 'device'>;
  /** Where the prompt reads the answer; default `process.stdin`. */
  input?: NodeJS.ReadableStream;
  /** Where the prompt asks; default `process.stderr`. */
  output?: NodeJS.WritableStream;
  /** Whether someone can answer the prompt; default: `input` and `output` are both terminals. */
  interactive?: boolean;
  /**
   * Errors nobody can catch: a corrupt or unreadable store, a decision that could not be saved
   * (the answer still counts now; it is asked again next time). Default: their message on `console.warn`.
   */
  onError?: (error: unknown) => void;
}

export interface NodeAdapter extends RecordPermissionAdapter {
  readonly name: 'node';
  readonly appId: string;
  readonly store: PermissionStore;
  /** Changes made with `micgate grant|deny|reset` or by another process. */
  changes(): Observable<RecordPermission>;
  readonly supports: { changes: true; devices: true; deviceChanges: true };
  /** The `micgate` command that grants this app (`npx micgate grant <appId>`); a running session picks it up. */
  recovery(): DeniedRecovery;
  /** The inputs now: the sound server's sources, else PortAudio's devices. */
  devices(): Promise<AudioInputDevice[]>;
  /** The inputs now, then the whole list on every change (plug, unplug, a new default). */
  deviceChanges(): Observable<readonly AudioInputDevice[]>;
  /** `request.device`: an id (or name) as `devices()` lists it; default the adapter's `device` option. */
  capture(format: AudioFormat, request?: CaptureRequest): Observable<DeviceFrame>;
  /**
   * Release the adapter (the app's to call; `session.close()` leaves it open): a prompt still
   * waiting resolves as dismissed ('undetermined', nothing remembered), later prompts resolve so
   * at once, and `changes()` streams and open captures complete.
   */
  close(): void;
}

/** The Node.js platform: a terminal prompt, a per-user decision store, and PortAudio capture. */
export function createNodeAdapter(options: NodeAdapterOptions): NodeAdapter {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', options, 'an object');
  const { appId, appName, device, input, output, interactive, onError: onErrorOption } = options;
  assertAppId(appId, 'appId');
  if (appName !== undefined && (typeof appName !== 'string' || appName.trim() === '')) {
    throw new InvalidArgumentError('appName', appName, 'a non-blank string');
  }
  if (options.store !== undefined && options.configDir !== undefined) {
    throw new InvalidArgumentError('configDir', options.configDir, 'left out when a store is given');
  }
  if (options.store !== undefined && !isStore(options.store)) {
    throw new InvalidArgumentError('store', options.store, 'a PermissionStore (from createPermissionStore)');
  }
  if (device !== undefined && !isDeviceSelector(device)) {
    throw new InvalidArgumentError('device', device, 'a device index (a whole number from 0), id or non-blank name');
  }
  const captureOptions: CaptureOptions = {
    ...checkedCaptureOptions(options.capture),
    ...(device === undefined ? {} : { device }),
  };
  checkCaptureOptions(captureOptions);
  if (input !== undefined && !isReadable(input)) throw new InvalidArgumentError('input', input, 'a readable stream');
  if (output !== undefined && !isWritable(output))
    throw new InvalidArgumentError('output', output, 'a writable stream');
  if (onErrorOption !== undefined && typeof onErrorOption !== 'function') {
    throw new InvalidArgumentError('onError', onErrorOption, 'a function');
  }
  const onError =
    onErrorOption ?? ((error: unknown) => console.warn(error instanceof Error ? error.message : String(error)));
  if (interactive !== undefined && typeof interactive !== 'boolean') {
    throw new InvalidArgumentError('interactive', interactive, 'a boolean');
  }
  const store =
    options.store ??
    createPermissionStore({
      ...(options.configDir === undefined ? {} : { configDir: options.configDir }),
      // The store's typed errors (damaged, insecure, newer version) reach the app as they are.
      onError,
    });

  let closed = false;
  const closed$ = new Subject<void>();
  let open: AbortController | undefined;
  // One terminal, one question: every caller (every session on this adapter) waits for the same answer.
  const prompt = singleFlight((request: PromptRequest) => {
    const controller = new AbortController();
    open = controller;
    return ask(request, controller.signal).finally(() => {
      if (open === controller) open = undefined;
    });
  });

  async function ask(request: PromptRequest, signal: AbortSignal): Promise<RecordPermission> {
    // While the user reads the question (after it is shown: loading the addon takes a moment), so
    // that a grant opens the device without waiting for PortAudio.
    setImmediate(preparePortAudio);
    // And the inputs, kept current while the question is open: a grant then opens the device
    // without a scan. Scanning opens nothing.
    let inputs: ScanAhead | undefined;
    let asked = true;
    setImmediate(() => {
      if (asked) inputs = scanAhead(captureOptions.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS);
    });
    let answer: RecordPermission | undefined;
    try {
      answer = await askInTerminal(
        { appName: appName ?? request.appName ?? appId, usageDescription: request.usageDescription },
        {
          signal,
          ...(input === undefined ? {} : { input }),
          ...(output === undefined ? {} : { output }),
          ...(interactive === undefined ? {} : { interactive }),
        },
      );
    } finally {
      // Offered before the decision is written, so the next open does not scan; that open is the
      // session's, after prompt() resolves, that is after the write.
      asked = false;
      offerScan(answer === 'granted' ? inputs?.take() : undefined);
      // Ending the watch (killing its `pactl subscribe`) holds the JS thread for a few ms: do it
      // while the decision's write waits for the disk, not before the write starts.
      const watch = inputs;
      setImmediate(() => watch?.stop());
    }
    // A dismissal is no decision: nothing is remembered and the next request asks again.
    if (answer === 'undetermined') return answer;
    try {
      await store.set(appId, answer);
    } catch (error) {
      // The user did answer: honour it now, and say why it will be asked again next time.
      const reason = error instanceof Error ? error.message : String(error);
      onError(
        new Error(
          `micgate: could not remember that ${appId} was ${answer} microphone access (${reason}); it will ask again next time`,
          { cause: error },
        ),
      );
    }
    return answer;
  }

  return {
    name: 'node',
    supports: { changes: true, devices: true, deviceChanges: true },
    appId,
    store,
    status: () => store.get(appId),
    prompt(request) {
      if (request === null || typeof request !== 'object' || typeof request.usageDescription !== 'string') {
        return Promise.reject(new InvalidArgumentError('usageDescription', request?.usageDescription, 'a string'));
      }
      if (closed) return Promise.resolve('undetermined');
      return prompt(request);
    },
    changes(): Observable<RecordPermission> {
      return store.snapshots().pipe(
        map((apps) => apps[appId]?.decision ?? 'undetermined'),
        // The first value may repeat status(); the session ignores repeats. Skipping it instead
        // could drop a real change made between status() and the watcher's first read.
        distinctUntilChanged(),
        takeUntil(closed$),
      );
    },
    capture(format: AudioFormat, request?: CaptureRequest): Observable<DeviceFrame> {
      const chosen = request?.device;
      if (chosen !== undefined && (typeof chosen !== 'string' || chosen.trim() === '')) {
        throw new InvalidArgumentError('device', chosen, 'an input id or name');
      }
      const options = chosen === undefined ? captureOptions : { ...captureOptions, device: chosen };
      return openCapture(format, options).pipe(takeUntil(closed$));
    },
    devices(): Promise<AudioInputDevice[]> {
      return listInputDevices();
    },
    deviceChanges(): Observable<readonly AudioInputDevice[]> {
      return inputDeviceChanges().pipe(takeUntil(closed$));
    },
    recovery: () => nodeRecovery({ appId, storePath: store.path, ...(appName === undefined ? {} : { appName }) }),
    close() {
      if (closed) return;
      closed = true;
      open?.abort();
      closed$.next();
      closed$.complete();
    },
  };
}

function checkedCaptureOptions(value: unknown): Omit<CaptureOptions, 'device'> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError(
      'capture',
      value,
      'an object of capture options (latency, bufferSeconds, onOverflow)',
    );
  }
  if ('device' in value)
    throw new InvalidArgumentError(
      'capture.device',
      (value as { device: unknown }).device,
      "given as the adapter's `device` option",
    );
  return value as Omit<CaptureOptions, 'device'>;
}

function isStore(value: unknown): value is PermissionStore {
  const store = value as Partial<PermissionStore> | null;
  return (
    typeof store === 'object' &&
    store !== null &&
    typeof store.get === 'function' &&
    typeof store.set === 'function' &&
    typeof store.snapshots === 'function'
  );
}

function isDeviceSelector(value: unknown): value is string | number {
  return (
    (typeof value === 'number' && Number.isInteger(value) && value >= 0) ||
    (typeof value === 'string' && value.trim() !== '')
  );
}

function isReadable(value: unknown): value is NodeJS.ReadableStream {
  const stream = value as Partial<NodeJS.ReadableStream> | null;
  return (
    typeof stream === 'object' &&
    stream !== null &&
    typeof stream.on === 'function' &&
    typeof stream.read === 'function'
  );
}

function isWritable(value: unknown): value is NodeJS.WritableStream {
  const stream = value as Partial<NodeJS.WritableStream> | null;
  return (
    typeof stream === 'object' &&
    stream !== null &&
    typeof stream.write === 'function' &&
    typeof stream.on === 'function'
  );
}
