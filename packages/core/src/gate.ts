import { Observable, type SchedulerLike } from 'rxjs';
import { DeviceLostError } from './errors.js';
import { createPacedClock, type PacedClock } from './paced-clock.js';
import type { AudioFormat, AudioFrame, DeviceFrame, RecordPermission, SilenceReason } from './types.js';

/** Consecutive exact-zero device audio, in seconds, after which a recording says 'device-silent'. */
export const DEVICE_SILENT_SECONDS = 1;

/**
 * Zeroed buffers at the pace a device would deliver them, each stamped with the time its first
 * frame would have been captured. One buffer is reused (re-zeroed before each delivery): no
 * allocation per buffer.
 */
export function createSilenceClock(
  format: AudioFormat,
  scheduler: SchedulerLike,
  deliver: (samples: Float32Array, timeSeconds: number) => void,
): PacedClock {
  const length = format.framesPerBuffer * format.channels;
  let zeros = new Float32Array(length);
  const periodMs = (format.framesPerBuffer / format.sampleRate) * 1000;
  return createPacedClock(scheduler, periodMs, (index, startedAt) => {
    // A consumer that transferred the buffer (postMessage with a transfer list) detached it.
    if (zeros.length !== length) zeros = new Float32Array(length);
    else zeros.fill(0);
    deliver(zeros, (startedAt + index * periodMs) / 1000);
  });
}

export interface SilenceGateOptions {
  format: AudioFormat;
  /** Paces the silence; virtual time in tests. */
  scheduler: SchedulerLike;
  /** Each change makes the gate look at `current()`: 'granted' opens the device; anything else closes it. */
  permission$: Observable<RecordPermission>;
  /**
   * The decision now. A change can arrive re-entrantly (a listener of the same change switches it
   * back synchronously), so the value a notification carries may already be stale.
   */
  current(): RecordPermission | undefined;
  /** Opens the device (the session's deviceCapture): its frames go to `sink` until the result closes it. */
  open(format: AudioFormat, sink: DeviceSink): () => void;
  /**
   * Why the session silences audio now (permission, prompt, mute, the platform's user-gesture
   * hold), or undefined: the gate adds 'device-starting' and 'device-silent'. Called once per
   * buffer: return a value kept current, do not compute it here.
   */
  reason?(): SilenceReason | undefined;
  /** Where each frame's `silence` is told: only when it differs from what is said now. */
  said?: SaidSilence;
  /** Told the error that ends the recording, just before its subscriber is. */
  failed?(error: Error): void;
}

/** What the session says its silence is (read once per buffer), and how a gate changes it. */
export interface SaidSilence {
  readonly current: SilenceReason | undefined;
  report(silence: SilenceReason | undefined): void;
}

/**
 * Where an open device's buffers go: called directly, without a layer of subscribers per buffer.
 * After failed() or ended() the device calls nothing more and has closed itself.
 */
export interface DeviceSink {
  frame(frame: DeviceFrame): void;
  failed(error: Error): void;
  /** The device's stream ended: the gate names it a lost device. */
  ended(): void;
}

/**
 * The silence gate: one recording's frames. Silence paced in real time until permission is granted,
 * then the device, back to silence (and the device closed) when it is revoked. Positions run on
 * without a gap across every switch. A device that fails or ends fails the recording.
 */
export function silenceGate({
  format,
  scheduler,
  permission$,
  current,
  open,
  reason = () => undefined,
  said,
  failed,
}: SilenceGateOptions): Observable<AudioFrame> {
  return new Observable<AudioFrame>((subscriber) => {
    const { sampleRate, channels, framesPerBuffer } = format;
    let position = 0;
    // Muted device buffers are replaced by these zeros (re-zeroed per subscriber by silentAgain).
    let zeros = new Float32Array(framesPerBuffer * channels);
    const silentAfter = DEVICE_SILENT_SECONDS * sampleRate * channels;
    let zeroRun = 0;
    const emit = (samples: Float32Array, time: number, gated: boolean, silence: SilenceReason | undefined) => {
      // Frozen: the frame object is shared by every subscriber, so none may relabel it for the others.
      const frame: AudioFrame = Object.freeze({
        samples,
        frames: framesPerBuffer,
        sampleRate,
        channels,
        position,
        time,
        gated,
        silence,
      });
      position += framesPerBuffer;
      if (said !== undefined && silence !== said.current) said.report(silence);
      subscriber.next(frame);
    };
    const fail = (error: Error) => {
      failed?.(error);
      subscriber.error(error);
    };
    const silence = createSilenceClock(format, scheduler, (samples, time) =>
      emit(samples, time, true, reason() ?? permissionSilence(current()) ?? 'device-starting'),
    );
    let device: (() => void) | undefined; // closes the open device

    const openDevice = () => {
      if (device) return;
      let firstFrame = true;
      let over = false; // the device failed or ended (maybe while it was opening)
      // Silence goes on until the device's first buffer, so the stream never pauses.
      const close = open(format, {
        frame: (frame) => {
          if (firstFrame) {
            firstFrame = false;
            zeroRun = 0;
            silence.stop();
          }
          const why = reason();
          if (why !== undefined) {
            zeroRun = 0;
            // A consumer that transferred the buffer detached it (see createSilenceClock).
            if (zeros.length !== framesPerBuffer * channels) zeros = new Float32Array(framesPerBuffer * channels);
            else zeros.fill(0);
            emit(zeros, frame.time, true, why);
            return;
          }
          zeroRun = allZero(frame.samples) ? zeroRun + frame.samples.length : 0;
          emit(frame.samples, frame.time, false, zeroRun >= silentAfter ? 'device-silent' : undefined);
        },
        failed: (error) => {
          over = true;
          device = undefined;
          fail(error);
        },
        ended: () => {
          over = true;
          device = undefined;
          fail(new DeviceLostError('the audio input stream ended during capture'));
        },
      });
      if (!over) device = close;
    };
    const closeDevice = () => {
      const close = device;
      device = undefined;
      close?.();
      silence.start();
    };

    silence.start();
    const gate = permission$.subscribe(() => (current() === 'granted' ? openDevice() : closeDevice()));

    return () => {
      gate.unsubscribe();
      const close = device;
      device = undefined;
      close?.();
      silence.stop();
    };
  });
}

/**
 * The frame as the next subscriber gets it: a gated buffer is zeroed again first, because it is
 * shared and a subscriber served earlier may have written into it (in-place gain). One check per
 * subscriber per gated buffer; no allocation (unless a subscriber detached the buffer).
 */
export function silentAgain(frame: AudioFrame): AudioFrame {
  if (!frame.gated) return frame;
  const length = frame.frames * frame.channels;
  if (frame.samples.length === length) {
    frame.samples.fill(0);
    return frame;
  }
  // A subscriber served earlier transferred (detached) the shared buffer: this one gets its own.
  return Object.freeze({ ...frame, samples: new Float32Array(length) });
}

/** The silence a permission state alone explains; undefined when granted. */
export function permissionSilence(permission: RecordPermission | undefined): SilenceReason | undefined {
  return permission === 'granted' ? undefined : permission === 'denied' ? 'denied' : 'not-asked';
}

/** Whether every sample is exactly 0 (or -0); stops at the first that is not. */
function allZero(samples: Float32Array): boolean {
  for (let i = 0; i < samples.length; i++) if (samples[i] !== 0) return false;
  return true;
}
