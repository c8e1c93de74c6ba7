import { type AudioFormat, DeviceLostError, type DeviceFrame, resolveFormat } from '@micgate/core';
import { Observable } from 'rxjs';
import { audioGraphError, workletLoadError } from './audio-setup.js';
import { createCaptureRing } from './capture-ring.js';
import {
  CAPTURE_PROCESSOR_NAME,
  type CaptureMessage,
  type CaptureProcessorOptions,
  captureWorkletUrl,
} from './capture-worklet.js';
import type { CaptureState } from './capture-state.js';
import { normalizeMediaError } from './media-errors.js';
import { keepRunning } from './user-gesture.js';

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
    let contextState: Exclude<CaptureState, 'idle'> = 'starting';
    let reported: CaptureState | undefined;

    const report = () => {
      if (closed) return;
      // Audio runs only once the context runs and the microphone feeds it.
      const state: CaptureState = contextState === 'running' && !input ? 'starting' : contextState;
      if (state === reported) return;
      reported = state;
      options.onState?.(state);
    };

    const releaseAudio = () => {
      stopWatching?.();
      stopWatching = undefined;
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
        else deliver(message.samples, message.startFrame);
      };

      step = 'stream';
      const opened = typeof source === 'function' ? await source() : source;
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
      step = 'graph';
      input = audio.createMediaStreamSource(stream);
      input.connect(worklet);
      report();
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
      if (stream) {
        for (const track of stream.getAudioTracks()) track.removeEventListener('ended', onTrackEnded);
        if (ownsStream) stopTracks(stream);
      }
      stream = undefined;
      releaseAudio();
    };
  });
}

export function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
