import {
  type AdapterSupports,
  InvalidArgumentError,
  type PromptRequest,
  type RecordPermission,
  type RecordPermissionAdapter,
  abortError,
} from '@micgate/core';
import type { Observable } from 'rxjs';
import { type BrowserCaptureOptions, checkCaptureOptions, createBrowserCapture, defaultGetUserMedia, type GetUserMedia } from './browser-capture.js';
import { stopTracks } from './capture.js';
import type { CaptureState } from './capture-state.js';
import { audioConstraints } from './constraints.js';
import { createDeviceLister } from './devices.js';
import type { ExplainHook } from './explanation.js';
import { classifyMediaError, normalizeMediaError } from './media-errors.js';
import { createPermissionWatcher, type PermissionsLike } from './permission-watcher.js';

export interface BrowserAdapterOptions extends Omit<BrowserCaptureOptions, 'classifyTrackEnd' | 'document'> {
  /** Defaults to `navigator.mediaDevices.enumerateDevices`. */
  enumerateDevices?: () => Promise<MediaDeviceInfo[]>;
  /** Defaults to `navigator.permissions`; `null` acts as a browser without the Permissions API. */
  permissions?: PermissionsLike | null;
  /** An in-page explanation before the browser prompt (which cannot show the purpose string). */
  explain?: ExplainHook;
  /** Where focus is listened for (default `window`). */
  window?: EventTarget;
  /** Where visibility changes and user gestures are listened for (default `document`). */
  document?: EventTarget & { readonly visibilityState?: string };
}

export interface BrowserPromptOptions {
  /** Abandon the prompt: the explanation closes and the promise rejects with an AbortError. */
  signal?: AbortSignal;
}

export interface BrowserAdapter extends RecordPermissionAdapter {
  prompt(request: PromptRequest, options?: BrowserPromptOptions): Promise<RecordPermission>;
  /**
   * Whether capture's audio flows; 'needs-user-gesture' while the browser holds audio until the
   * user clicks or presses a key on the page (capture then resumes by itself). See CaptureState.
   */
  readonly captureState: CaptureState;
  /** The current capture state, then every change. */
  readonly captureState$: Observable<CaptureState>;
}

export function createBrowserAdapter(options: BrowserAdapterOptions = {}): BrowserAdapter {
  checkCaptureOptions(options);
  if (options.explain !== undefined && typeof options.explain !== 'function') {
    throw new InvalidArgumentError('explain', options.explain, 'a function');
  }
  const getUserMedia: GetUserMedia = options.getUserMedia ?? defaultGetUserMedia();
  if (options.enumerateDevices !== undefined && typeof options.enumerateDevices !== 'function') {
    throw new InvalidArgumentError('enumerateDevices', options.enumerateDevices, 'a function');
  }
  const devices = createDeviceLister(options.enumerateDevices);
  const watcher = createPermissionWatcher({
    ...('permissions' in options ? { permissions: options.permissions } : {}),
    window: options.window,
    document: options.document,
  });
  const capture = createBrowserCapture({
    ...pick(options, ['device', 'audioConstraints', 'workletUrl', 'latencyHint', 'document']),
    // What a capture's getUserMedia shows is news to the watcher (it may not be able to query).
    getUserMedia: (constraints) =>
      getUserMedia(constraints).then(
        (stream) => {
          watcher.learn('granted');
          return stream;
        },
        (error: unknown) => {
          if (classifyMediaError(error) === 'denied') watcher.learn('denied');
          throw error;
        },
      ),
    // A revoked permission ends the track too; then the session's change handling closes us.
    classifyTrackEnd: async () => ((await watcher.recheck()) === 'granted' ? 'lost' : 'revoked'),
  });

  async function prompt(request: PromptRequest, promptOptions: BrowserPromptOptions = {}): Promise<RecordPermission> {
    if (request === null || typeof request !== 'object') throw new InvalidArgumentError('request', request, 'an object');
    if (typeof request.usageDescription !== 'string') {
      throw new InvalidArgumentError('usageDescription', request.usageDescription, 'a string');
    }
    const { signal } = promptOptions;
    if (signal?.aborted) throw abortError(signal);
    if (options.explain) {
      const proceed = await options.explain(request, { signal });
      if (!proceed) return 'undetermined';
    }
    if (signal?.aborted) throw abortError(signal);
    const outcome = getUserMedia({ audio: audioConstraints(options) }).then(
      (stream): RecordPermission => {
        stopTracks(stream);
        return 'granted';
      },
      (error: unknown): RecordPermission => {
        switch (classifyMediaError(error)) {
          case 'denied':
            return 'denied';
          case 'dismissed':
            return 'undetermined';
          case 'busy':
            return 'granted'; // browsers only try to start the device once access is allowed
          default:
            throw normalizeMediaError(error);
        }
      },
    );
    // The answer is recorded whenever the prompt settles, even after the caller gave up.
    outcome.then((answer) => answer !== 'undetermined' && watcher.learn(answer), () => undefined);
    if (!signal) return outcome;
    return new Promise<RecordPermission>((resolve, reject) => {
      const onAbort = () => reject(abortError(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      outcome.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  const supports: AdapterSupports = { changes: true, devices: devices !== undefined };

  return {
    platform: 'browser',
    supports,
    status: () => watcher.status(),
    prompt,
    changes: () => watcher.changes(),
    capture: (format) => capture.capture(format),
    // Present exactly when supports.devices says so.
    ...(devices ? { devices } : {}),
    get captureState() {
      return capture.state;
    },
    captureState$: capture.state$,
  };
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Pick<T, K> {
  const picked = {} as Pick<T, K>;
  for (const key of keys) if (source[key] !== undefined) picked[key] = source[key];
  return picked;
}
