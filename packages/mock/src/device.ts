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

/** What a mock input is: its listing, and optionally a format it delivers whatever is asked. */
export interface MockDeviceOptions {
  id: string;
  /** Its name; undefined plays a platform that hides names (a browser before the grant). */
  name: string | undefined;
  /** What it hears. Default: a 440 Hz sine at amplitude 0.5. */
  signal?: MockSignal;
  /** Delivers this rate whatever is asked, as a Bluetooth headset that switched to 16 kHz. */
  sampleRate?: number;
  /** Delivers this many channels whatever is asked. */
  channels?: number;
}

/** The synthetic microphone: plays a signal at the real-time pace of its scheduler, and faults on demand. */
export class MockDevice {
  private signal: MockSignal;
  private nextFault: MockFault | undefined;
  private plugged = true;
  private readonly live = new Set<(error: Error) => void>();
  private openCount = 0;
  readonly id: string;
  readonly name: string | undefined;
  private readonly fixedRate: number | undefined;
  private readonly fixedChannels: number | undefined;

  /** The listing of the platform's first microphone. */
  static readonly info: AudioInputDevice = {
    id: 'mock-microphone',
    name: 'Mock Microphone',
    isDefault: true,
    maxChannels: 32,
    defaultSampleRate: 48_000,
  };

  /** @param changed told of every plug and unplug (the platform's input list). */
  constructor(
    private readonly scheduler: SchedulerLike,
    signal: MockSignal,
    options: Omit<MockDeviceOptions, 'signal'> = { id: MockDevice.info.id, name: MockDevice.info.name },
    private readonly changed: () => void = () => {},
  ) {
    this.signal = signal;
    this.id = options.id;
    this.name = options.name;
    this.fixedRate = options.sampleRate;
    this.fixedChannels = options.channels;
  }

  /** Whether it is plugged in (listed, and opens). */
  get isPlugged(): boolean {
    return this.plugged;
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

  /** Pull the plug: it leaves the input list, open streams fail with DeviceLostError, opens fail until plugIn(). */
  unplug(): void {
    if (!this.plugged) return;
    this.plugged = false;
    this.changed();
    for (const fail of [...this.live]) fail(new DeviceLostError('mock: the microphone was unplugged'));
  }

  /** Plug it back in: listed again, and opens. */
  plugIn(): void {
    if (this.plugged) return;
    this.plugged = true;
    this.changed();
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

      const { framesPerBuffer } = format;
      const sampleRate = this.fixedRate ?? format.sampleRate;
      const channels = this.fixedChannels ?? format.channels;
      const periodMs = (framesPerBuffer / sampleRate) * 1000;
      const length = framesPerBuffer * channels;
      // One buffer, rewritten for each delivery: samples are valid while a frame is delivered (copy to keep).
      let samples = new Float32Array(length);
      let firstFrame: number | undefined;
      const clock = createPacedClock(this.scheduler, periodMs, (index, startedAt) => {
        // The microphone runs on wall time: its signal does not restart when a stream opens.
        firstFrame ??= Math.round((startedAt * sampleRate) / 1000);
        // A consumer that transferred the buffer (postMessage with a transfer list) detached it.
        if (samples.length !== length) samples = new Float32Array(length);
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
