import { type AudioFormat, DeviceLostError, type DeviceFrame, resolveFormat } from '@micgate/core';
import { Observable } from 'rxjs';
import { CAPTURE_PROCESSOR_NAME, type CaptureMessage, type CaptureProcessorOptions, captureWorkletUrl } from './capture-worklet.js';
import { normalizeMediaError } from './media-errors.js';

/** Why a track ended without being asked to: the permission was taken back, or the device went. */
export type TrackEndCause = 'revoked' | 'lost';

export interface CaptureAudioOptions {
  /**
   * Decide why a track ended on its own. 'revoked': capture releases the audio graph and stays
   * quiet (the permission change closes the subscription); 'lost': it fails with DeviceLostError.
   * Default: 'lost'.
   */
  classifyTrackEnd?: () => Promise<TrackEndCause>;
  /** URL of the capture processor module; defaults to a blob: URL of the built-in one. */
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
}

/** Where the audio comes from: a stream the caller owns, or a function that opens one capture owns. */
export type CaptureSource = MediaStream | (() => Promise<MediaStream>);

/**
 * Frames of exactly `format.framesPerBuffer` from a MediaStream, through an AudioWorklet in an
 * AudioContext running at `format.sampleRate`. Subscribing opens the stream (when `source` is a
 * function) and the context; unsubscribing closes both. Streams passed in are not stopped.
 */
export function captureAudio(source: CaptureSource, format: AudioFormat, options: CaptureAudioOptions = {}): Observable<DeviceFrame> {
  const { sampleRate, channels, framesPerBuffer } = resolveFormat(format);
  const ownsStream = typeof source === 'function';
  return new Observable<DeviceFrame>((subscriber) => {
    let closed = false;
    let stream: MediaStream | undefined;
    let context: AudioContext | undefined;
    let node: AudioWorkletNode | undefined;
    let input: MediaStreamAudioSourceNode | undefined;

    const releaseAudio = () => {
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
      const classify = options.classifyTrackEnd ?? (() => Promise.resolve<TrackEndCause>('lost'));
      classify().then(
        (cause) => {
          if (!closed && cause === 'lost') subscriber.error(new DeviceLostError('the microphone track ended during capture'));
        },
        () => {
          if (!closed) subscriber.error(new DeviceLostError('the microphone track ended during capture'));
        },
      );
    };

    const open = async () => {
      // The context and worklet are ready before the stream opens, so no audio waits unheard.
      context = new AudioContext({ sampleRate, latencyHint: options.latencyHint ?? 'playback' });
      options.onContext?.(context);
      context.resume().catch(() => undefined); // may wait for user activation; don't block on it
      await context.audioWorklet.addModule(options.workletUrl ?? captureWorkletUrl());
      if (closed) return;
      const processorOptions: CaptureProcessorOptions = { framesPerBuffer, channels };
      node = new AudioWorkletNode(context, CAPTURE_PROCESSOR_NAME, {
        numberOfInputs: 1,
        numberOfOutputs: 0,
        channelCount: channels,
        channelCountMode: 'explicit',
        channelInterpretation: 'speakers',
        processorOptions,
      });
      const rate = context.sampleRate;
      node.port.onmessage = (event: MessageEvent<CaptureMessage>) => {
        if (closed) return;
        const { samples, startFrame } = event.data;
        subscriber.next({ samples, frames: framesPerBuffer, sampleRate, channels, time: startFrame / rate });
      };

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
      if (!context || !node) return;
      input = context.createMediaStreamSource(stream);
      input.connect(node);
    };

    open().catch((error: unknown) => {
      if (closed) return;
      releaseAudio();
      if (stream && ownsStream) stopTracks(stream);
      subscriber.error(normalizeMediaError(error));
    });

    return () => {
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
