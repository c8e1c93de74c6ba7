import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { asError, DeviceLostError } from './errors.js';
import { createPacedClock, type PacedClock } from './paced-clock.js';
import type { AudioFormat, AudioFrame, DeviceFrame, RecordPermission } from './types.js';

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
  const zeros = new Float32Array(format.framesPerBuffer * format.channels);
  const periodMs = (format.framesPerBuffer / format.sampleRate) * 1000;
  return createPacedClock(scheduler, periodMs, (index, startedAt) => {
    zeros.fill(0);
    deliver(zeros, (startedAt + index * periodMs) / 1000);
  });
}

export interface SilenceGateOptions {
  format: AudioFormat;
  /** Paces the silence; virtual time in tests. */
  scheduler: SchedulerLike;
  /** 'granted' opens the device; any other value closes it, and silence flows instead. */
  permission$: Observable<RecordPermission>;
  /** Opens the device on subscribe, closes it on unsubscribe (the adapter's capture). */
  capture(format: AudioFormat): Observable<DeviceFrame>;
}

/**
 * The silence gate: one recording's frames. Silence paced in real time until permission is granted,
 * then the device, back to silence (and the device closed) when it is revoked. Positions run on
 * without a gap across every switch. A device that fails or ends fails the recording.
 */
export function silenceGate({ format, scheduler, permission$, capture }: SilenceGateOptions): Observable<AudioFrame> {
  return new Observable<AudioFrame>((subscriber) => {
    const { sampleRate, channels, framesPerBuffer } = format;
    let position = 0;
    const emit = (samples: Float32Array, time: number, gated: boolean) => {
      const frame: AudioFrame = { samples, frames: framesPerBuffer, sampleRate, channels, position, time, gated };
      position += framesPerBuffer;
      subscriber.next(frame);
    };
    const silence = createSilenceClock(format, scheduler, (samples, time) => emit(samples, time, true));
    let device: Subscription | undefined;

    const openDevice = () => {
      if (device) return;
      let firstFrame = true;
      // Silence goes on until the device's first buffer, so the stream never pauses.
      device = capture(format).subscribe({
        next: (frame) => {
          if (firstFrame) {
            firstFrame = false;
            silence.stop();
          }
          emit(frame.samples, frame.time, false);
        },
        error: (error: unknown) => {
          device = undefined;
          subscriber.error(asError(error));
        },
        complete: () => {
          device = undefined;
          subscriber.error(new DeviceLostError('the audio input stream ended during capture'));
        },
      });
      if (device.closed) device = undefined; // failed while opening
    };
    const closeDevice = () => {
      const open = device;
      device = undefined;
      open?.unsubscribe();
      silence.start();
    };

    silence.start();
    const gate = permission$.subscribe((state) => (state === 'granted' ? openDevice() : closeDevice()));

    return () => {
      gate.unsubscribe();
      const open = device;
      device = undefined;
      open?.unsubscribe();
      silence.stop();
    };
  });
}
