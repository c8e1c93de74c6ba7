import {
  type AudioFormat,
  type AudioInputDevice,
  createPacedClock,
  DeviceBusyError,
  type DeviceFrame,
  DeviceLostError,
  DeviceNotFoundError,
  InvalidArgumentError,
} from '@micgate/core';
import { Observable, type SchedulerLike } from 'rxjs';
import type { MockSignal } from './signals.js';

/** Faults the synthetic microphone can play. */
export type MockFault = 'notFound' | 'busy';

/** The synthetic microphone: plays a signal at the real-time pace of its scheduler, and faults on demand. */
export class MockDevice {
  private signal: MockSignal;
  private nextFault: MockFault | undefined;
  private plugged = true;
  private readonly live = new Set<(error: Error) => void>();
  private openCount = 0;

  static readonly info: AudioInputDevice = {
    id: 'mock-microphone',
    name: 'Mock Microphone',
    isDefault: true,
    maxChannels: 32,
    defaultSampleRate: 48_000,
  };

  constructor(
    private readonly scheduler: SchedulerLike,
    signal: MockSignal,
  ) {
    this.signal = signal;
  }

  /** Change what the microphone hears, from the next buffer on. */
  play(signal: MockSignal): void {
    this.signal = signal;
  }

  get playing(): MockSignal {
    return this.signal;
  }

  /** Make the next open fail. */
  failNextOpen(fault: MockFault): void {
    if (fault !== 'notFound' && fault !== 'busy')
      throw new InvalidArgumentError('fault', fault, "'notFound' or 'busy'");
    this.nextFault = fault;
  }

  /** Pull the plug: open streams fail with DeviceLostError; opens fail until plugIn(). */
  unplug(): void {
    this.plugged = false;
    for (const fail of [...this.live]) fail(new DeviceLostError('mock: the microphone was unplugged'));
  }

  plugIn(): void {
    this.plugged = true;
  }

  /** Whether a stream is open right now. */
  get isOpen(): boolean {
    return this.live.size > 0;
  }

  /** How many times the device has been opened. */
  get opens(): number {
    return this.openCount;
  }

  /** @internal */
  capture(format: AudioFormat): Observable<DeviceFrame> {
    return new Observable<DeviceFrame>((subscriber) => {
      const fault = this.nextFault;
      this.nextFault = undefined;
      if (!this.plugged || fault === 'notFound') {
        subscriber.error(new DeviceNotFoundError('mock: no microphone is connected'));
        return;
      }
      if (fault === 'busy') {
        subscriber.error(new DeviceBusyError('mock: the microphone is in use by another app'));
        return;
      }
      this.openCount++;
      const fail = (error: Error) => subscriber.error(error);
      this.live.add(fail);

      const { sampleRate, channels, framesPerBuffer } = format;
      const periodMs = (framesPerBuffer / sampleRate) * 1000;
      let firstFrame: number | undefined;
      const clock = createPacedClock(this.scheduler, periodMs, (index, startedAt) => {
        // The microphone runs on wall time: its signal does not restart when a stream opens.
        firstFrame ??= Math.round((startedAt * sampleRate) / 1000);
        const samples = new Float32Array(framesPerBuffer * channels);
        play(this.signal, samples, firstFrame + index * framesPerBuffer, channels, sampleRate);
        subscriber.next({
          samples,
          frames: framesPerBuffer,
          sampleRate,
          channels,
          time: (startedAt + index * periodMs) / 1000,
        });
      });
      clock.start();

      return () => {
        clock.stop();
        this.live.delete(fail);
      };
    });
  }
}

/** One buffer of `signal` from frame `start`, every channel the same; its arguments are locals, so the loop stays tight. */
function play(signal: MockSignal, samples: Float32Array, start: number, channels: number, sampleRate: number): void {
  const frames = samples.length / channels;
  for (let i = 0; i < frames; i++) {
    const value = signal.sampleAt(start + i, sampleRate);
    for (let c = 0; c < channels; c++) samples[i * channels + c] = value;
  }
}
