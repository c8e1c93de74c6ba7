import {
  type AdapterSupports,
  type AudioFormat,
  type AudioInputDevice,
  type DeviceFrame,
  InvalidArgumentError,
  type PromptRequest,
  type RecordPermission,
  type RecordPermissionAdapter,
  abortError,
  resolveFormat,
  singleFlight,
} from '@micgate/core';
import type { Observable } from 'rxjs';
import { captureAudio, stopTracks, type TrackEndCause } from './capture.js';
import type { ExplainHook } from './explanation.js';
import { classifyMediaError, normalizeMediaError } from './media-errors.js';
import { createPermissionWatcher, type PermissionsLike } from './permission-watcher.js';

export type GetUserMedia = (constraints: MediaStreamConstraints) => Promise<MediaStream>;

export interface BrowserAdapterOptions {
  /** Defaults to `navigator.mediaDevices.getUserMedia`. Tests pass a gated one. */
  getUserMedia?: GetUserMedia;
  /** Defaults to `navigator.mediaDevices.enumerateDevices`. */
  enumerateDevices?: () => Promise<MediaDeviceInfo[]>;
  /** Defaults to `navigator.permissions`; `null` acts as a browser without the Permissions API. */
  permissions?: PermissionsLike | null;
  /** An in-page explanation before the browser prompt (which cannot show the purpose string). */
  explain?: ExplainHook;
  /** Record from this input (`MediaDeviceInfo.deviceId`) instead of the default one. */
  deviceId?: string;
  /**
   * Constraints merged over micgate's raw defaults (echo cancellation, noise suppression and
   * automatic gain control all off), e.g. `{ echoCancellation: true }` for a call.
   */
  audioConstraints?: MediaTrackConstraints;
  /** URL of the capture processor module; defaults to a blob: URL of the built-in one. */
  workletUrl?: string;
  /** The capture AudioContext's latency hint (see CaptureAudioOptions.latencyHint); default 'playback'. */
  latencyHint?: AudioContextLatencyCategory | number;
  /** Where focus / visibility changes are listened for (defaults: `window`, `document`). */
  window?: EventTarget;
  document?: EventTarget & { readonly visibilityState?: string };
}

export interface BrowserPromptOptions {
  /** Abandon the prompt: the explanation closes and the promise rejects with an AbortError. */
  signal?: AbortSignal;
}

export interface BrowserAdapter extends RecordPermissionAdapter {
  prompt(request: PromptRequest, options?: BrowserPromptOptions): Promise<RecordPermission>;
  changes(): Observable<RecordPermission>;
}

/** Raw capture: what the microphone hears, not what a call would want. */
export const RAW_AUDIO_CONSTRAINTS: Readonly<MediaTrackConstraints> = Object.freeze({
  echoCancellation: false,
  noiseSuppression: false,
  autoGainControl: false,
});

export function createBrowserAdapter(options: BrowserAdapterOptions = {}): BrowserAdapter {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', options, 'an object');
  if (options.deviceId !== undefined && typeof options.deviceId !== 'string') {
    throw new InvalidArgumentError('deviceId', options.deviceId, 'a string');
  }
  if (options.explain !== undefined && typeof options.explain !== 'function') {
    throw new InvalidArgumentError('explain', options.explain, 'a function');
  }
  const mediaDevices = globalThis.navigator?.mediaDevices as MediaDevices | undefined;
  const getUserMedia: GetUserMedia =
    options.getUserMedia ??
    ((constraints) => {
      // Missing outside a secure context: say why instead of "cannot read properties of undefined".
      if (!mediaDevices?.getUserMedia) return Promise.reject(new TypeError('navigator.mediaDevices.getUserMedia is unavailable (not a secure context?)'));
      return mediaDevices.getUserMedia(constraints);
    });
  const enumerateDevices = options.enumerateDevices ?? (mediaDevices?.enumerateDevices ? () => mediaDevices.enumerateDevices() : undefined);
  const watcher = createPermissionWatcher({
    ...('permissions' in options ? { permissions: options.permissions } : {}),
    window: options.window,
    document: options.document,
  });

  const audioConstraints = (format?: AudioFormat): MediaTrackConstraints => ({
    ...RAW_AUDIO_CONSTRAINTS,
    ...(format ? { channelCount: { ideal: format.channels }, sampleRate: { ideal: format.sampleRate } } : {}),
    ...(options.deviceId === undefined ? {} : { deviceId: { exact: options.deviceId } }),
    ...options.audioConstraints,
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
    const outcome = getUserMedia({ audio: audioConstraints() }).then(
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

  function capture(format: AudioFormat): Observable<DeviceFrame> {
    const resolved = resolveFormat(format);
    return captureAudio(
      () =>
        getUserMedia({ audio: audioConstraints(resolved) }).then(
          (stream) => {
            watcher.learn('granted');
            return stream;
          },
          (error: unknown) => {
            if (classifyMediaError(error) === 'denied') watcher.learn('denied');
            throw normalizeMediaError(error);
          },
        ),
      resolved,
      {
        ...(options.workletUrl === undefined ? {} : { workletUrl: options.workletUrl }),
        ...(options.latencyHint === undefined ? {} : { latencyHint: options.latencyHint }),
        // A revoked permission ends the track too; then the session's change handling closes us.
        classifyTrackEnd: async (): Promise<TrackEndCause> => ((await watcher.recheck()) === 'granted' ? 'lost' : 'revoked'),
      },
    );
  }

  const sharedPrompt = singleFlight((request: PromptRequest) => prompt(request));

  async function devices(): Promise<AudioInputDevice[]> {
    if (!enumerateDevices) return [];
    const inputs = (await enumerateDevices()).filter((device) => device.kind === 'audioinput');
    // Chromium lists the system default as its own entry, deviceId 'default'; others have none.
    const hasDefaultEntry = inputs.some((device) => device.deviceId === 'default');
    return inputs.map((device, index) => ({
      id: device.deviceId,
      name: device.label || `Microphone ${index + 1}`,
      isDefault: hasDefaultEntry ? device.deviceId === 'default' : index === 0,
    }));
  }

  const supports: AdapterSupports = { changes: true, devices: enumerateDevices !== undefined };

  return {
    name: 'browser',
    supports,
    status: () => watcher.status(),
    // Every session on this adapter shares the open prompt (a caller with its own signal gets its own).
    prompt: (request, promptOptions) => (promptOptions?.signal ? prompt(request, promptOptions) : sharedPrompt(request)),
    changes: () => watcher.changes(),
    capture,
    // Present exactly when supports.devices says so.
    ...(enumerateDevices === undefined ? {} : { devices }),
  };
}
