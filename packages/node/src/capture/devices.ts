import { type AudioInputDevice, DeviceNotFoundError, InvalidArgumentError } from '@micgate/core';
import { loadBinding, type NativeDevice } from './binding.js';
import { readServerSources, type ServerSource } from './sound-server.js';
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

/** An input and how PortAudio opens it. */
export interface InputEntry {
  device: AudioInputDevice;
  /** PortAudio's index, or (a sound server's source) the ALSA device string PortAudio opens instead. */
  open: { index: number; deviceString?: string };
  maxInputChannels: number;
  defaultLowInputLatency: number;
  /** The sound server announces this input's removal (see sound-server.ts); else only the stream's end tells. */
  watched: boolean;
}

/** The id of a sound server's source: stable, as the server's source names are. */
function sourceId(source: ServerSource): string {
  return `pulse:${source.name}`;
}

/**
 * The inputs now. With a sound server that `pactl` reaches and ALSA's `pulse` plugin in PortAudio's
 * list: the server's sources, each opened as `pulse:DEVICE=<source>`. Otherwise PortAudio's own
 * list (ids `<host API>:<name>`), re-probed (Pa_Terminate/Pa_Initialize) only while no stream is open.
 */
export async function scanInputs(timeoutSeconds: number): Promise<InputEntry[]> {
  const sources = await readServerSources(timeoutSeconds);
  if (sources !== undefined) {
    const native = await listNative(false, timeoutSeconds);
    const plugin = native.find((device) => device.hostApi === 'ALSA' && device.name === 'pulse');
    if (plugin) {
      return sources.map((source) => ({
        device: {
          id: sourceId(source),
          name: source.description,
          isDefault: source.isDefault,
          // What a capture can ask for: ALSA's pulse plugin remixes and resamples the source.
          maxChannels: plugin.maxInputChannels,
          defaultSampleRate: source.sampleRate,
        },
        // ALSA's pulse plugin resamples and remixes: any rate and up to its 32 channels open.
        open: { index: plugin.index, deviceString: `pulse:DEVICE=${source.name}` },
        maxInputChannels: plugin.maxInputChannels,
        defaultLowInputLatency: plugin.defaultLowInputLatency,
        watched: true,
      }));
    }
  }
  return (await listNative(true, timeoutSeconds)).map(nativeEntry);
}

function nativeEntry(device: NativeDevice): InputEntry {
  return {
    device: toInputDevice(device),
    open: { index: device.index },
    maxInputChannels: device.maxInputChannels,
    defaultLowInputLatency: device.defaultLowInputLatency,
    watched: false,
  };
}

/** The input devices now: a sound server's sources, else PortAudio's list (see scanInputs). */
export async function listInputDevices(): Promise<AudioInputDevice[]> {
  return (await scanInputs(DEFAULT_TIMEOUT_SECONDS)).map((entry) => entry.device);
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

/**
 * Find the input to open: by id, exact name, then (PortAudio's devices, also when a sound server
 * lists its sources) PortAudio index, id or name, then a unique part of a name. `scanned`: a
 * current scan made already (see scan-ahead.ts).
 */
export async function findDevice(
  selector: DeviceSelector | undefined,
  timeoutSeconds: number,
  scanned?: Promise<InputEntry[]>,
): Promise<InputEntry> {
  const inputs = await (scanned ?? scanInputs(timeoutSeconds));
  const found = pick(inputs, selector);
  if (found) return found;
  const native = inputs.some((entry) => entry.watched) ? (await listNative(true, timeoutSeconds)).map(nativeEntry) : [];
  const legacy = selector === undefined ? undefined : pick(native, selector);
  if (legacy) return legacy;
  if (inputs.length === 0) {
    throw new DeviceNotFoundError(
      'no audio input device was found (on Linux PortAudio reaches PulseAudio or PipeWire through ALSA: is a sound server running and PULSE_SERVER reachable?)',
    );
  }
  const names = inputs.map((entry) => `"${entry.device.name}" (${entry.device.id})`).join(', ');
  throw new DeviceNotFoundError(
    selector === undefined
      ? `there is no default input device (inputs: ${names})`
      : `no input device matches ${JSON.stringify(selector)} (inputs: ${names})`,
  );
}

function pick(inputs: InputEntry[], selector: DeviceSelector | undefined): InputEntry | undefined {
  if (selector === undefined) return inputs.find((entry) => entry.device.isDefault) ?? inputs[0];
  if (typeof selector === 'number') return inputs.find((entry) => !entry.watched && entry.open.index === selector);
  const exact =
    inputs.find((entry) => entry.device.id === selector) ?? inputs.find((entry) => entry.device.name === selector);
  if (exact) return exact;
  const lower = selector.toLowerCase();
  const partial = inputs.filter((entry) => entry.device.name?.toLowerCase().includes(lower));
  return partial.length === 1 ? partial[0] : undefined;
}
