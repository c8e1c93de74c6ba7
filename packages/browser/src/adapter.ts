import {
  type AdapterSupports,
  type CaptureRequest,
  type DeniedRecovery,
  type DeviceFrame,
  InvalidArgumentError,
  type PromptRequest,
  type RecordPermission,
  type RecordPermissionAdapter,
  abortError,
  singleFlight,
} from '@micgate/core';
import { Observable, Subject, type Subscriber, takeUntil } from 'rxjs';
import {
  type BrowserCaptureOptions,
  checkCaptureOptions,
  createBrowserCapture,
  defaultGetUserMedia,
  type GetUserMedia,
} from './browser-capture.js';
import { stopTracks } from './capture.js';
import type { CaptureState } from './capture-state.js';
import { audioConstraints } from './constraints.js';
import { captureFrom, createDeviceLister, type MediaDevicesLike } from './devices.js';
import type { ExplainHook } from './explanation.js';
import { classifyMediaError, normalizeMediaError } from './media-errors.js';
import { createPermissionWatcher, type PermissionsLike } from './permission-watcher.js';
import { browserRecovery, detectBrowser } from './recovery.js';

export interface BrowserAdapterOptions
  extends Omit<BrowserCaptureOptions, 'classifyTrackEnd' | 'document' | 'inputs' | 'refusedUntilGesture'> {
  /** Defaults to `navigator.mediaDevices.enumerateDevices`. */
  enumerateDevices?: () => Promise<MediaDeviceInfo[]>;
  /** Where `devicechange` is heard (and, without `enumerateDevices`, devices listed). Default `navigator.mediaDevices`. */
  mediaDevices?: MediaDevicesLike;
  /**
   * Milliseconds between device listings while `deviceChanges()` is watched or a capture runs, on
   * top of `devicechange` (which WebKit mostly does not fire). Default 1000; 0 lists only on events.
   */
  devicePollMs?: number;
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
  /**
   * Why status is 'denied' when the reason is not the user's decision: set in a frame whose
   * permissions policy does not allow the microphone (an iframe without `allow="microphone"`).
   */
  readonly reason: string | undefined;
  /**
   * The browser's site settings for this page, for the browser it runs in (Chrome, Edge,
   * Chromium, Firefox, Safari; general steps elsewhere); undefined in a frame the permissions
   * policy blocks (`reason`), where only the embedding page can help.
   */
  recovery(): DeniedRecovery | undefined;
  /**
   * Release the adapter (the app's to call; `session.close()` leaves it open): open prompts
   * resolve 'undetermined' and the explanation closes (a browser prompt already shown stays up,
   * and the browser keeps its answer), `changes()` streams and open captures complete.
   */
  close(): void;
  changes(): Observable<RecordPermission>;
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
  const { devicePollMs } = options;
  if (
    devicePollMs !== undefined &&
    (typeof devicePollMs !== 'number' || !(devicePollMs >= 0) || devicePollMs === Infinity)
  ) {
    throw new InvalidArgumentError('devicePollMs', devicePollMs, 'a number of milliseconds, 0 or more');
  }
  const watcher = createPermissionWatcher({
    ...('permissions' in options ? { permissions: options.permissions } : {}),
    window: options.window,
    document: options.document,
  });
  const lister = createDeviceLister({
    mediaDevices: options.mediaDevices,
    enumerateDevices: options.enumerateDevices,
    permissionChanges: watcher.changes(),
    pollMs: devicePollMs,
  });
  // The device is chosen per capture (CaptureRequest, else the `device` option), checked against the list first.
  const capture = createBrowserCapture({
    ...pick(options, ['audioConstraints', 'workletUrl', 'latencyHint', 'document']),
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
    ...(lister?.deviceChanges ? { inputs: lister.deviceChanges } : {}),
    // The site is allowed yet the request was refused: WebKit's "ask again only from a click" after
    // a denial in this document. (Chromium blocked by the OS says the same; its click then fails.)
    refusedUntilGesture: async () => watcher.queryable === true && (await watcher.recheck()) === 'granted',
  });

  /** One browser prompt: the explanation (which `signal` closes), then getUserMedia's outcome. */
  async function showPrompt(request: PromptRequest, signal: AbortSignal): Promise<RecordPermission> {
    if (options.explain) {
      const proceed = await options.explain(request, { signal });
      if (!proceed) return 'undetermined';
    }
    if (signal.aborted) throw abortError(signal);
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
    // The answer is recorded whenever the prompt settles, even after every caller gave up.
    outcome.then(
      (answer) => answer !== 'undetermined' && watcher.learn(answer),
      () => undefined,
    );
    return outcome;
  }

  // One open prompt per adapter: every caller (every session) waits for the same answer. The
  // explanation closes only when every caller has abandoned it (or the adapter closes).
  let flight: { controller: AbortController; waiters: number } | undefined;
  const shared = singleFlight((request: PromptRequest) => {
    const current = { controller: new AbortController(), waiters: 0 };
    flight = current;
    return showPrompt(request, current.controller.signal).finally(() => {
      if (flight === current) flight = undefined;
    });
  });
  const onClose = new Set<() => void>();
  let closed = false;
  const closed$ = new Subject<void>();
  /** The captures open now: close() completes them (as takeUntil would, without its layer per buffer). */
  const openCaptures = new Set<Subscriber<DeviceFrame>>();

  function prompt(request: PromptRequest, promptOptions: BrowserPromptOptions = {}): Promise<RecordPermission> {
    if (request === null || typeof request !== 'object')
      return Promise.reject(new InvalidArgumentError('request', request, 'an object'));
    if (typeof request.usageDescription !== 'string') {
      return Promise.reject(new InvalidArgumentError('usageDescription', request.usageDescription, 'a string'));
    }
    const { signal } = promptOptions ?? {};
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (closed) return Promise.resolve('undetermined');
    const answer = shared(request);
    const current = flight;
    if (current) current.waiters++;
    return new Promise<RecordPermission>((resolve, reject) => {
      let waiting = true;
      const leave = () => {
        if (!waiting) return false;
        waiting = false;
        signal?.removeEventListener('abort', abandon);
        onClose.delete(close);
        if (current) current.waiters--;
        return true;
      };
      const abandon = () => {
        if (!leave()) return;
        reject(abortError(signal!));
        if (current && current.waiters === 0) current.controller.abort();
      };
      const close = () => leave() && resolve('undetermined');
      signal?.addEventListener('abort', abandon, { once: true });
      onClose.add(close);
      answer.then(
        (value) => leave() && resolve(value),
        (error: unknown) => leave() && reject(error),
      );
    });
  }

  const deviceChanges = lister?.deviceChanges;
  const supports: AdapterSupports = {
    changes: true,
    devices: lister !== undefined,
    deviceChanges: deviceChanges !== undefined,
  };

  return {
    name: 'browser',
    supports,
    status: () => watcher.status(),
    prompt,
    changes: () => watcher.changes().pipe(takeUntil(closed$)),
    capture: (format, request?: CaptureRequest) => {
      const frames = captureFrom(lister, request?.device ?? options.device, (device) =>
        capture.capture(format, device === undefined ? {} : { device }),
      );
      return new Observable<DeviceFrame>((subscriber) => {
        openCaptures.add(subscriber);
        subscriber.add(() => openCaptures.delete(subscriber));
        frames.subscribe(subscriber); // frames go straight to the subscriber
      });
    },
    // Present exactly when supports.devices and supports.deviceChanges say so.
    ...(lister ? { devices: lister.devices } : {}),
    ...(deviceChanges ? { deviceChanges: () => deviceChanges().pipe(takeUntil(closed$)) } : {}),
    get captureState() {
      return capture.state;
    },
    captureState$: capture.state$,
    get reason() {
      return watcher.reason;
    },
    recovery() {
      // A frame the embedding page did not allow the microphone has no way back the user can take (see `reason`).
      if (watcher.reason !== undefined) return undefined;
      const nav = globalThis.navigator as
        | (Navigator & { userAgentData?: { brands?: { brand: string }[] } })
        | undefined;
      const family = detectBrowser({ brands: nav?.userAgentData?.brands, userAgent: nav?.userAgent });
      return browserRecovery(family, globalThis.location?.origin ?? '', watcher.queryable !== false);
    },
    close() {
      if (closed) return;
      closed = true;
      flight?.controller.abort();
      for (const settle of [...onClose]) settle();
      closed$.next();
      closed$.complete();
      for (const subscriber of [...openCaptures]) subscriber.complete();
    },
  };
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Pick<T, K> {
  const picked = {} as Pick<T, K>;
  for (const key of keys) if (source[key] !== undefined) picked[key] = source[key];
  return picked;
}
