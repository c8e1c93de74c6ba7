import {
  type AudioFormat,
  type AudioInputDevice,
  type CaptureRequest,
  type DeviceFrame,
  DeviceNotFoundError,
  InvalidArgumentError,
} from '@micgate/core';
import { BehaviorSubject, type Observable, type SchedulerLike, throwError } from 'rxjs';
import { MockDevice, type MockDeviceOptions } from './device.js';
import { sine } from './signals.js';

/**
 * The mock platform's inputs: microphones plugged in and out, one of them the default. As an OS
 * does, the default falls back to the first input still plugged in when the chosen one goes.
 */
export class MockInputs {
  private readonly all: MockDevice[] = [];
  private chosenDefault: string | undefined;
  private readonly list$ = new BehaviorSubject<readonly AudioInputDevice[]>([]);

  constructor(private readonly scheduler: SchedulerLike) {}

  /** Plug in a new input (listed from now on); `options.default` makes it the default. */
  add(options: MockDeviceOptions & { default?: boolean }): MockDevice {
    const { id, name } = options;
    if (typeof id !== 'string' || id === '') throw new InvalidArgumentError('id', id, 'a non-empty string');
    if (name !== undefined && (typeof name !== 'string' || name === '')) {
      throw new InvalidArgumentError('name', name, 'a non-empty string, or undefined for a hidden name');
    }
    if (this.all.some((device) => device.id === id)) throw new InvalidArgumentError('id', id, 'an id not in use');
    const device = new MockDevice(this.scheduler, options.signal ?? sine(440, 0.5), options, () => this.publish());
    this.all.push(device);
    if (options.default) this.chosenDefault = id;
    this.publish();
    return device;
  }

  /** Make `id` the default input (as choosing it in the OS's sound settings). */
  setDefault(id: string): void {
    if (!this.all.some((device) => device.id === id))
      throw new InvalidArgumentError('id', id, 'the id of a mock input');
    this.chosenDefault = id;
    this.publish();
  }

  /** Every input ever added, plugged in or not. */
  get devices(): readonly MockDevice[] {
    return this.all;
  }

  /** The input a capture without a device opens: the chosen default if plugged in, else the first plugged in. */
  get defaultDevice(): MockDevice | undefined {
    const plugged = this.all.filter((device) => device.isPlugged);
    return plugged.find((device) => device.id === this.chosenDefault) ?? plugged[0];
  }

  /** The inputs plugged in now. */
  list(): AudioInputDevice[] {
    const fallback = this.defaultDevice;
    return this.all
      .filter((device) => device.isPlugged)
      .map((device) => ({
        id: device.id,
        name: device.name,
        isDefault: device === fallback,
        maxChannels: 32,
        defaultSampleRate: 48_000,
      }));
  }

  /** The inputs now, then after every plug, unplug and change of default. */
  get changes$(): Observable<readonly AudioInputDevice[]> {
    return this.list$.asObservable();
  }

  /** @internal The device `request` names (plugged in), or the default; DeviceNotFoundError otherwise. */
  capture(format: AudioFormat, request?: CaptureRequest): Observable<DeviceFrame> {
    const id = request?.device;
    const device =
      id === undefined ? this.defaultDevice : this.all.find((candidate) => candidate.id === id && candidate.isPlugged);
    if (device === undefined) {
      const error =
        id === undefined
          ? new DeviceNotFoundError('mock: no microphone is connected')
          : new DeviceNotFoundError(`mock: no input with the id ${JSON.stringify(id)} is connected`);
      return throwError(() => error);
    }
    return device.capture(format);
  }

  private publish(): void {
    this.list$.next(this.list());
  }
}
