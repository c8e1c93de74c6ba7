import {
  type AudioFormat,
  type AudioInputDevice,
  type CaptureRequest,
  type DeviceFrame,
  InvalidArgumentError,
  resolveFormat,
} from '@micgate/core';
import { Observable } from 'rxjs';
import { captureAudio, type TrackEndCause } from './capture.js';
import { type CaptureState, createCaptureStates } from './capture-state.js';
import { audioConstraints } from './constraints.js';

export type GetUserMedia = (constraints: MediaStreamConstraints) => Promise<MediaStream>;

export interface BrowserCaptureOptions {
  /** Defaults to `navigator.mediaDevices.getUserMedia`. Tests pass a gated one. */
  getUserMedia?: GetUserMedia;
  /** Record from this input (`MediaDeviceInfo.deviceId`) instead of the default one. */
  device?: string;
  /**
   * Constraints merged over micgate's raw defaults (echo cancellation, noise suppression and
   * automatic gain control all off), e.g. `{ echoCancellation: true }` for a call.
   */
  audioConstraints?: MediaTrackConstraints;
  /**
   * URL of the capture processor module; defaults to a blob: URL of the built-in one. A page whose
   * Content-Security-Policy refuses blob: serves `captureWorkletSource()` itself and passes its URL.
   */
  workletUrl?: string;
  /** The capture AudioContext's latency hint (see CaptureAudioOptions.latencyHint); default 'playback'. */
  latencyHint?: AudioContextLatencyCategory | number;
  /** Where a user gesture is awaited when the browser holds audio (autoplay policy); default `document`. */
  document?: EventTarget;
  /**
   * Why a track ended on its own: 'revoked' (capture goes quiet; the permission change ends it)
   * or 'lost' (DeviceLostError). Default: always 'lost'. The browser adapter asks the Permissions API.
   */
  classifyTrackEnd?: () => Promise<TrackEndCause>;
  /**
   * The inputs now, then every change (the browser adapter's device list): a capture whose input
   * leaves the list ends as a lost device even where the browser keeps its track live (WebKit).
   */
  inputs?: () => Observable<readonly AudioInputDevice[]>;
  /** Whether a refused getUserMedia waits for a user gesture and asks again (see CaptureAudioOptions.refusedUntilGesture). */
  refusedUntilGesture?: () => Promise<boolean>;
}

/** Capture only: what an adapter whose permission lives elsewhere (Electron) needs from the browser. */
export interface BrowserCapture {
  /**
   * Frames from the microphone; subscribing opens it (and may show the browser's prompt).
   * `request.device` (a `deviceId`, opened `exact`) wins over the `device` option.
   */
  capture(format: AudioFormat, request?: CaptureRequest): Observable<DeviceFrame>;
  /** The combined state of the open captures (see CaptureState); 'idle' when none is open. */
  readonly state: CaptureState;
  /** The current state, then every change. */
  readonly state$: Observable<CaptureState>;
}

/** `navigator.mediaDevices.getUserMedia`, or a rejection that says why it is missing. */
export function defaultGetUserMedia(): GetUserMedia {
  return (constraints) => {
    const mediaDevices = globalThis.navigator?.mediaDevices as MediaDevices | undefined;
    // Missing outside a secure context: say why instead of "cannot read properties of undefined".
    if (!mediaDevices?.getUserMedia)
      return Promise.reject(
        new TypeError('navigator.mediaDevices.getUserMedia is unavailable (not a secure context?)'),
      );
    return mediaDevices.getUserMedia(constraints);
  };
}

/** Checks the options the capture factory and the adapters built on it share. */
export function checkCaptureOptions(options: BrowserCaptureOptions): void {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', options, 'an object');
  const functions = ['getUserMedia', 'classifyTrackEnd', 'inputs', 'refusedUntilGesture'] as const;
  for (const field of functions) {
    if (options[field] !== undefined && typeof options[field] !== 'function')
      throw new InvalidArgumentError(field, options[field], 'a function');
  }
  const strings = ['device', 'workletUrl'] as const;
  for (const field of strings) {
    if (options[field] !== undefined && (typeof options[field] !== 'string' || options[field] === '')) {
      throw new InvalidArgumentError(field, options[field], 'a non-empty string');
    }
  }
  if (
    options.document !== undefined &&
    typeof (options.document as Partial<EventTarget> | null)?.addEventListener !== 'function'
  ) {
    throw new InvalidArgumentError('document', options.document, 'an EventTarget');
  }
}

/**
 * Microphone capture through an AudioWorklet (see captureAudio), with its state: an app can tell
 * 'needs-user-gesture' (say "click to start") from a microphone that delivers.
 */
export function createBrowserCapture(options: BrowserCaptureOptions = {}): BrowserCapture {
  checkCaptureOptions(options);
  const getUserMedia = options.getUserMedia ?? defaultGetUserMedia();
  const states = createCaptureStates();
  const { workletUrl, latencyHint, classifyTrackEnd, inputs, refusedUntilGesture } = options;

  function capture(format: AudioFormat, request?: CaptureRequest): Observable<DeviceFrame> {
    const resolved = resolveFormat(format);
    const device = request?.device ?? options.device;
    const constraints = audioConstraints({ ...options, device }, resolved);
    return new Observable<DeviceFrame>((subscriber) =>
      captureAudio(() => getUserMedia({ audio: constraints }), resolved, {
        ...(workletUrl === undefined ? {} : { workletUrl }),
        ...(latencyHint === undefined ? {} : { latencyHint }),
        ...(classifyTrackEnd === undefined ? {} : { classifyTrackEnd }),
        ...(inputs === undefined ? {} : { inputs }),
        ...(refusedUntilGesture === undefined ? {} : { refusedUntilGesture }),
        ...(options.document === undefined ? {} : { gestureTarget: options.document }),
        onState: states.track(),
      }).subscribe(subscriber),
    );
  }

  return {
    capture,
    get state() {
      return states.value;
    },
    state$: states.changes,
  };
}
