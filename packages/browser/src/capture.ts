import {
  type AudioFormat,
  type AudioInputDevice,
  DeviceLostError,
  type DeviceFrame,
  resolveFormat,
} from '@micgate/core';
import { Observable, type Subscription } from 'rxjs';
import { audioGraphError, workletLoadError } from './audio-setup.js';
import { createCaptureRing } from './capture-ring.js';
import {
  CAPTURE_PROCESSOR_NAME,
  type CaptureMessage,
  type CaptureProcessorOptions,
  captureWorkletUrl,
} from './capture-worklet.js';
import type { CaptureState } from './capture-state.js';
import { classifyMediaError, normalizeMediaError } from './media-errors.js';
import { keepRunning, onNextGesture } from './user-gesture.js';

/** Why a track ended without being asked to: the permission was taken back, or the device went. */
export type TrackEndCause = 'revoked' | 'lost';

export interface CaptureAudioOptions {
  /**
   * Decide why a track ended on its own. 'revoked': capture releases the audio graph and stays
   * quiet (the permission change closes the subscription); 'lost': it fails with DeviceLostError.
   * Default: 'lost'.
   */
  classifyTrackEnd?: () => Promise<TrackEndCause>;
  /**
   * The inputs as the browser lists them, then every change. A live track whose input is no longer
   * listed ends as if the browser had ended it: WebKit keeps an unplugged input's track live (no
   * `ended`, no `mute`) and only its audio stops. Lists with hidden names are not read.
   */
  inputs?: () => Observable<readonly AudioInputDevice[]>;
  /**
   * Whether a refused getUserMedia (of a source capture opens) is one only a user gesture lifts:
   * after a denial WebKit refuses every later request in the document, even once the site is
   * allowed, until one made in a click. When it resolves true, capture says 'needs-user-gesture'
   * and asks again from inside the next pointerdown, keydown or touchend on `gestureTarget`; a
   * refusal then is the error. The browser adapter answers true when the Permissions API says granted.
   */
  refusedUntilGesture?: () => Promise<boolean>;
  /**
   * URL of the capture processor module; defaults to a blob: URL of the built-in one. A page whose
   * Content-Security-Policy refuses blob: serves `captureWorkletSource()` itself and passes its URL.
   */
  workletUrl?: string;
  /**
   * The AudioContext's latency hint. Default 'playback': with 'interactive' Chromium's
   * MediaStream-to-WebAudio bridge starts with a small FIFO and, while it settles, plays the input
   * back sped up (a 440 Hz tone measured 490-535 Hz for the first half second); a larger render
   * buffer absorbs the start-up burst. Frames are still delivered per `framesPerBuffer`.
   */
  latencyHint?: AudioContextLatencyCategory | number;
  /** Called with each AudioContext capture opens (diagnostics, benchmarks). */
  onContext?: (context: AudioContext) => void;
  /** Hears this capture's state: 'starting', 'running', 'needs-user-gesture', and 'idle' when it ends. */
  onState?: (state: CaptureState) => void;
  /**
   * Where a user gesture is awaited when the browser holds the AudioContext (autoplay policy).
   * Default `document`; `null` waits for someone else to resume it.
   */
  gestureTarget?: EventTarget | null;
}

/** Where the audio comes from: a stream the caller owns, or a function that opens one capture owns. */
export type CaptureSource = MediaStream | (() => Promise<MediaStream>);

/**
 * Frames of exactly `format.framesPerBuffer` from a MediaStream, through an AudioWorklet in an
 * AudioContext running at `format.sampleRate`. Subscribing opens the stream (when `source` is a
 * function) and the context; unsubscribing closes both. Streams passed in are not stopped.
 * Errors: the getUserMedia failures as micgate's typed errors (see normalizeMediaError), a failed
 * audio graph or worklet as AudioSetupError, an ended track as DeviceLostError.
 */
export function captureAudio(
  source: CaptureSource,
  format: AudioFormat,
  options: CaptureAudioOptions = {},
): Observable<DeviceFrame> {
  const { sampleRate, channels, framesPerBuffer } = resolveFormat(format);
  const ownsStream = typeof source === 'function';
  const gestureTarget = options.gestureTarget === undefined ? globalThis.document : options.gestureTarget;
  return new Observable<DeviceFrame>((subscriber) => {
    let closed = false;
    let stream: MediaStream | undefined;
    let context: AudioContext | undefined;
    let node: AudioWorkletNode | undefined;
    let input: MediaStreamAudioSourceNode | undefined;
    let stopWatching: (() => void) | undefined;
    let watchingInputs: Subscription | undefined;
    let contextState: Exclude<CaptureState, 'idle'> = 'starting';
    let stopAwaitingGesture: (() => void) | undefined;
    let reported: CaptureState | undefined;

    const report = () => {
      if (closed) return;
      // Audio runs only once the context runs and the microphone feeds it. Until the microphone is
      // connected a held context is still starting: WebKit lets a page's audio run once it
      // captures (measured: its resume() settles 20-40 ms after getUserMedia does), with no gesture.
      const state: CaptureState = stopAwaitingGesture
        ? 'needs-user-gesture'
        : !input
          ? 'starting'
          : context?.state === 'running'
            ? 'running'
            : contextState;
      if (state === reported) return;
      reported = state;
      options.onState?.(state);
    };

    const releaseAudio = () => {
      stopWatching?.();
      stopWatching = undefined;
      watchingInputs?.unsubscribe();
      watchingInputs = undefined;
      if (node) {
        node.port.onmessage = null;
        node.port.postMessage('stop');
        node.port.close();
      }
      input?.disconnect();
      if (context && context.state !== 'closed') context.close().catch(() => undefined);
      node = undefined;
      input = undefined;
      context = undefined;
    };
    const onTrackEnded = () => {
      if (closed) return;
      releaseAudio();
      contextState = 'starting';
      report();
      const classify = options.classifyTrackEnd ?? (() => Promise.resolve<TrackEndCause>('lost'));
      classify().then(
        (cause) => {
          if (!closed && cause === 'lost')
            subscriber.error(new DeviceLostError('the microphone track ended during capture'));
        },
        () => {
          if (!closed) subscriber.error(new DeviceLostError('the microphone track ended during capture'));
        },
      );
    };

    // Which step failed decides the error: the audio graph's are not getUserMedia's.
    let step: 'graph' | 'worklet' | 'stream' = 'graph';
    const workletUrl = options.workletUrl ?? captureWorkletUrl();

    const open = async () => {
      report();
      // The context and worklet are ready before the stream opens, so no audio waits unheard.
      const audio = new AudioContext({ sampleRate, latencyHint: options.latencyHint ?? 'playback' });
      context = audio;
      options.onContext?.(audio);
      stopWatching = keepRunning(audio, gestureTarget, (state) => {
        contextState = state;
        report();
      });
      step = 'worklet';
      await audio.audioWorklet.addModule(workletUrl);
      if (closed) return;
      step = 'graph';
      const ring = createCaptureRing(sampleRate, channels, framesPerBuffer);
      const processorOptions: CaptureProcessorOptions = ring
        ? { framesPerBuffer, channels, ring: ring.options }
        : { framesPerBuffer, channels };
      const worklet = new AudioWorkletNode(audio, CAPTURE_PROCESSOR_NAME, {
        numberOfInputs: 1,
        numberOfOutputs: 0,
        channelCount: channels,
        channelCountMode: 'explicit',
        channelInterpretation: 'speakers',
        processorOptions,
      });
      node = worklet;
      const rate = audio.sampleRate;
      const deliver = (samples: Float32Array, startFrame: number) =>
        subscriber.next({ samples, frames: framesPerBuffer, sampleRate, channels, time: startFrame / rate });
      worklet.port.onmessage = (event: MessageEvent<CaptureMessage>) => {
        if (closed) return;
        const message = event.data;
        // A number only ever comes from a processor given a ring: its slot is lent for the delivery.
        if (typeof message === 'number') ring!.read(message, deliver);
        else
          subscriber.next({
            samples: message.samples,
            frames: framesPerBuffer,
            sampleRate,
            channels,
            time: message.startFrame / rate,
          });
      };

      step = 'stream';
      const opened = typeof source === 'function' ? await openSource(source) : source;
      if (closed) {
        if (ownsStream) stopTracks(opened);
        return;
      }
      stream = opened;
      const tracks = stream.getAudioTracks();
      if (tracks.length === 0 || tracks.every((track) => track.readyState === 'ended')) {
        throw new DeviceLostError('the stream has no live audio track');
      }
      for (const track of tracks) track.addEventListener('ended', onTrackEnded);
      if (context !== audio) return; // the track already ended
      if (options.inputs) watchingInputs = watchInputs(tracks, options.inputs(), onTrackEnded);
      step = 'graph';
      input = audio.createMediaStreamSource(stream);
      input.connect(worklet);
      report();
    };

    /** `open()`, and once more from the user's next gesture when the refusal is one only a gesture lifts. */
    const openSource = async (open: () => Promise<MediaStream>): Promise<MediaStream> => {
      try {
        return await open();
      } catch (error) {
        const untilGesture =
          gestureTarget && classifyMediaError(error) === 'denied' && (await options.refusedUntilGesture?.());
        if (!untilGesture || closed) throw error;
        const reopened = new Promise<MediaStream>((resolve, reject) => {
          stopAwaitingGesture = onNextGesture(gestureTarget, () => {
            stopAwaitingGesture = undefined;
            report();
            open().then(resolve, reject);
          });
        });
        report();
        return reopened;
      }
    };

    open().catch((error: unknown) => {
      if (closed) return;
      releaseAudio();
      if (stream && ownsStream) stopTracks(stream);
      const failure =
        step === 'stream'
          ? normalizeMediaError(error)
          : step === 'worklet'
            ? workletLoadError(error, workletUrl)
            : audioGraphError(error);
      subscriber.error(failure);
    });

    return () => {
      if (reported !== undefined) options.onState?.('idle');
      closed = true;
      stopAwaitingGesture?.();
      if (stream) {
        for (const track of stream.getAudioTracks()) track.removeEventListener('ended', onTrackEnded);
        if (ownsStream) stopTracks(stream);
      }
      stream = undefined;
      releaseAudio();
    };
  });
}

/**
 * Calls `gone` once when the input a live track records leaves the list: listed once, then not.
 * A track whose device was never listed (a remote or generated track), a list whose names are
 * hidden (no grant: ids may be hidden too) and a failed listing tell nothing.
 */
function watchInputs(
  tracks: readonly MediaStreamTrack[],
  inputs: Observable<readonly AudioInputDevice[]>,
  gone: () => void,
): Subscription {
  const recorded = new Set(tracks.map((track) => track.getSettings?.().deviceId).filter((id) => !!id));
  let seen = false;
  let ended = false;
  const subscription = inputs.subscribe({
    next(list) {
      if (ended || list.some((input) => input.name === undefined)) return;
      const listed = list.some((input) => recorded.has(input.id));
      if (listed || !seen) {
        seen ||= listed;
        return;
      }
      ended = true;
      subscription?.unsubscribe();
      gone();
    },
    error: () => undefined,
  });
  return subscription;
}

export function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
