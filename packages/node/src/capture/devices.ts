import { type AudioInputDevice, DeviceNotFoundError, InvalidArgumentError } from '@micgate/core';
import { loadBinding, type NativeDevice } from './binding.js';
import { DEFAULT_TIMEOUT_SECONDS, serverTimeoutError, withTimeout } from './timeout.js';

/** A stable id: PortAudio's indexes change when devices come and go, names within a host API do not. */
export function deviceId(device: NativeDevice): string {
  return `${device.hostApi}:${device.name}`;
}

export function toInputDevice(device: NativeDevice): AudioInputDevice {
  return {
    id: deviceId(device),
    name: device.name,
    isDefault: device.isDefault,
    maxChannels: device.maxInputChannels,
    defaultSampleRate: device.defaultSampleRate,
  };
}

/**
 * The input devices PortAudio sees now (re-probed unless a stream is open). On Linux through
 * PulseAudio these are ALSA's `pulse` and `default`; with no PULSE_SERVER reachable the list is empty.
 */
export async function listInputDevices(): Promise<AudioInputDevice[]> {
  return (await listNative(true, DEFAULT_TIMEOUT_SECONDS)).map(toInputDevice);
}

/** PortAudio's input devices, asked on the addon's PortAudio thread; a hung sound server becomes DeviceBusyError after `timeoutSeconds`. */
export function listNative(refresh: boolean, timeoutSeconds: number): Promise<NativeDevice[]> {
  return withTimeout(loadBinding().listDevices(refresh), timeoutSeconds, () =>
    serverTimeoutError('list its devices', timeoutSeconds),
  );
}

/** A device selector: PortAudio index, id (`ALSA:pulse`), exact name, or a unique part of a name. */
export type DeviceSelector = string | number;

export function assertDeviceSelector(selector: unknown): asserts selector is DeviceSelector | undefined {
  if (selector === undefined) return;
  if (typeof selector === 'number' && Number.isInteger(selector) && selector >= 0) return;
  if (typeof selector === 'string' && selector.trim() !== '') return;
  throw new InvalidArgumentError('device', selector, 'a device index (a whole number from 0), id or non-blank name');
}

/** Find the device to open. Re-probes once when the first look finds nothing, as after a replug. */
export async function findDevice(selector: DeviceSelector | undefined, timeoutSeconds: number): Promise<NativeDevice> {
  const found = pick(await listNative(false, timeoutSeconds), selector);
  if (found) return found;
  const again = await listNative(true, timeoutSeconds);
  const retried = pick(again, selector);
  if (retried) return retried;
  if (again.length === 0) {
    throw new DeviceNotFoundError(
      'no audio input device was found (on Linux PortAudio reaches PulseAudio or PipeWire through ALSA: is a sound server running and PULSE_SERVER reachable?)',
    );
  }
  const names = again.map((device) => `"${device.name}"`).join(', ');
  throw new DeviceNotFoundError(
    selector === undefined
      ? `there is no default input device (inputs: ${names})`
      : `no input device matches ${JSON.stringify(selector)} (inputs: ${names})`,
  );
}

function pick(devices: NativeDevice[], selector: DeviceSelector | undefined): NativeDevice | undefined {
  if (selector === undefined) return devices.find((device) => device.isDefault) ?? devices[0];
  if (typeof selector === 'number') return devices.find((device) => device.index === selector);
  const exact = devices.find((device) => deviceId(device) === selector || device.name === selector);
  if (exact) return exact;
  const lower = selector.toLowerCase();
  const partial = devices.filter((device) => device.name.toLowerCase().includes(lower));
  return partial.length === 1 ? partial[0] : undefined;
}
