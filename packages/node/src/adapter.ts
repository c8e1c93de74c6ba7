import {
  type AudioFormat,
  type AudioInputDevice,
  type DeviceFrame,
  InvalidArgumentError,
  type PromptRequest,
  type RecordPermission,
  type RecordPermissionAdapter,
} from '@micgate/core';
import { distinctUntilChanged, map, type Observable } from 'rxjs';
import { type CaptureOptions, checkCaptureOptions, type DeviceSelector, listInputDevices, openCapture } from './capture/index.js';
import { assertAppId } from './permission/app-id.js';
import { askInTerminal } from './permission/prompt.js';
import { createPermissionStore, type PermissionStore, type StoreLogger } from './permission/store.js';

export interface NodeAdapterOptions {
  /** Keys the remembered decision, as a bundle id does on Apple platforms: `micgate grant <appId>`. */
  appId: string;
  /** The name the prompt shows; default the session's `appName`, else `appId`. */
  appName?: string;
  /** Where decisions live; default a store in `configDir`. */
  store?: PermissionStore;
  /** The folder for the default store; default `$XDG_CONFIG_HOME/micgate`. Not with `store`. */
  configDir?: string;
  /** Input device: PortAudio index, id (`ALSA:pulse`), exact name or a unique part of a name; default the system default input. */
  device?: DeviceSelector;
  /** Capture tuning passed to `openCapture`: `latency`, `bufferSeconds`, `onOverflow` (lost input is reported there). */
  capture?: Omit<CaptureOptions, 'device'>;
  /** Where the prompt reads the answer; default `process.stdin`. */
  input?: NodeJS.ReadableStream;
  /** Where the prompt asks; default `process.stderr`. */
  output?: NodeJS.WritableStream;
  /** Whether someone can answer the prompt; default: `input` and `output` are both terminals. */
  interactive?: boolean;
  /** Warnings (a corrupt store, a decision that could not be saved); default `console.warn`. */
  logger?: StoreLogger;
}

export interface NodeAdapter extends RecordPermissionAdapter {
  readonly name: 'node';
  readonly appId: string;
  readonly store: PermissionStore;
  /** Changes made with `micgate grant|deny|reset` or by another process. */
  changes(): Observable<RecordPermission>;
  /** The input devices PortAudio sees now. */
  devices(): Promise<AudioInputDevice[]>;
  /** Close a prompt still waiting for an answer (it resolves as dismissed). */
  close(): void;
}

/** The Node.js platform: a terminal prompt, a per-user decision store, and PortAudio capture. */
export function createNodeAdapter(options: NodeAdapterOptions): NodeAdapter {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', options, 'an object');
  const { appId, appName, device, input, output, interactive, logger } = options;
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
  const captureOptions: CaptureOptions = { ...checkedCaptureOptions(options.capture), ...(device === undefined ? {} : { device }) };
  checkCaptureOptions(captureOptions);
  if (input !== undefined && !isReadable(input)) throw new InvalidArgumentError('input', input, 'a readable stream');
  if (output !== undefined && !isWritable(output)) throw new InvalidArgumentError('output', output, 'a writable stream');
  if (logger !== undefined && (logger === null || typeof logger !== 'object' || typeof logger.warn !== 'function')) {
    throw new InvalidArgumentError('logger', logger, 'an object with a warn(message) method');
  }
  if (interactive !== undefined && typeof interactive !== 'boolean') {
    throw new InvalidArgumentError('interactive', interactive, 'a boolean');
  }
  const store =
    options.store ??
    createPermissionStore({
      ...(options.configDir === undefined ? {} : { configDir: options.configDir }),
      ...(logger === undefined ? {} : { logger }),
    });

  const warn = (message: string) => (logger ?? console).warn(message);
  let openPrompt: { answer: Promise<RecordPermission>; abort: AbortController } | undefined;

  async function ask(request: PromptRequest, signal: AbortSignal): Promise<RecordPermission> {
    const answer = await askInTerminal(
      { appName: appName ?? request.appName ?? appId, usageDescription: request.usageDescription },
      {
        signal,
        ...(input === undefined ? {} : { input }),
        ...(output === undefined ? {} : { output }),
        ...(interactive === undefined ? {} : { interactive }),
      },
    );
    // A dismissal is no decision: nothing is remembered and the next request asks again.
    if (answer === 'undetermined') return answer;
    try {
      await store.set(appId, answer);
    } catch (error) {
      // The user did answer: honour it now, and say why it will be asked again next time.
      warn(`micgate: could not remember that ${appId} was ${answer} microphone access (${(error as Error).message}); it will ask again next time`);
    }
    return answer;
  }

  return {
    name: 'node',
    supports: { changes: true, devices: true },
    appId,
    store,
    status: () => store.get(appId),
    prompt(request) {
      if (request === null || typeof request !== 'object' || typeof request.usageDescription !== 'string') {
        return Promise.reject(new InvalidArgumentError('usageDescription', request?.usageDescription, 'a string'));
      }
      // One terminal, one question: a second caller waits for the same answer.
      if (openPrompt) return openPrompt.answer;
      const abort = new AbortController();
      const answer = ask(request, abort.signal).finally(() => {
        openPrompt = undefined;
      });
      openPrompt = { answer, abort };
      return answer;
    },
    changes(): Observable<RecordPermission> {
      return store.snapshots().pipe(
        map((apps) => apps[appId]?.decision ?? 'undetermined'),
        // The first value may repeat status(); the session ignores repeats. Skipping it instead
        // could drop a real change made between status() and the watcher's first read.
        distinctUntilChanged(),
      );
    },
    capture(format: AudioFormat): Observable<DeviceFrame> {
      return openCapture(format, captureOptions);
    },
    devices(): Promise<AudioInputDevice[]> {
      return listInputDevices();
    },
    close() {
      openPrompt?.abort.abort();
    },
  };
}

function checkedCaptureOptions(value: unknown): Omit<CaptureOptions, 'device'> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError('capture', value, 'an object of capture options (latency, bufferSeconds, onOverflow)');
  }
  if ('device' in value) throw new InvalidArgumentError('capture.device', (value as { device: unknown }).device, 'given as the adapter\'s `device` option');
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
  return (typeof value === 'number' && Number.isInteger(value) && value >= 0) || (typeof value === 'string' && value.trim() !== '');
}

function isReadable(value: unknown): value is NodeJS.ReadableStream {
  const stream = value as Partial<NodeJS.ReadableStream> | null;
  return typeof stream === 'object' && stream !== null && typeof stream.on === 'function' && typeof stream.read === 'function';
}

function isWritable(value: unknown): value is NodeJS.WritableStream {
  const stream = value as Partial<NodeJS.WritableStream> | null;
  return typeof stream === 'object' && stream !== null && typeof stream.write === 'function' && typeof stream.on === 'function';
}
