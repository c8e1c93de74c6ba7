import { type AudioInputDevice, DeviceNotFoundError, InvalidArgumentError } from '@micgate/core';
import {
  defer,
  distinctUntilChanged,
  fromEvent,
  merge,
  type Observable,
  of,
  repeat,
  switchMap,
  throwError,
} from 'rxjs';
import { normalizeMediaError } from './media-errors.js';

type EnumerateDevices = () => Promise<MediaDeviceInfo[]>;

/** What device listing needs of `navigator.mediaDevices`: the list, and `devicechange` events. */
export interface MediaDevicesLike {
  enumerateDevices(): Promise<MediaDeviceInfo[]>;
  addEventListener(type: 'devicechange', listener: () => void): void;
  removeEventListener(type: 'devicechange', listener: () => void): void;
}

export interface DeviceListerOptions {
  /** Default `navigator.mediaDevices`: its `enumerateDevices` and its `devicechange` events. */
  mediaDevices?: MediaDevicesLike | undefined;
  /** Lists instead of `mediaDevices.enumerateDevices` (changes still come from `mediaDevices`). */
  enumerateDevices?: EnumerateDevices | undefined;
  /**
   * Permission changes: each one lists again, since a grant is what reveals the labels and ids
   * (no `devicechange` fires for it) and a revocation hides them again.
   */
  permissionChanges?: Observable<unknown> | undefined;
  /**
   * Milliseconds between listings while someone watches, on top of `devicechange`: WebKit fires
   * no `devicechange` for most plugs and unplugs (measured: 3 of 4 unplugs fired none, while its
   * list had changed within 0.1 s). Default DEVICE_POLL_MS; 0 lists only on events.
   */
  pollMs?: number | undefined;
}

/** How often `deviceChanges()` lists again while watched, in case the browser fired no `devicechange`. */
export const DEVICE_POLL_MS = 1_000;

export interface DeviceLister {
  /** The audio inputs now (see `toAudioInputs`). */
  devices(): Promise<AudioInputDevice[]>;
  /** The inputs now, then a new list on every `devicechange` and permission change that alters it. */
  deviceChanges: (() => Observable<readonly AudioInputDevice[]>) | undefined;
  /**
   * The `deviceId` constraint that opens input `id`, or undefined for the system default;
   * DeviceNotFoundError when no input has that id now.
   */
  resolve(id: string | undefined): Promise<string | undefined>;
}

/**
 * The id a browser's hidden input gets. Before the microphone is granted, Chromium, Firefox and
 * Safari list one audio input with an empty `deviceId` and label: "there is a microphone".
 * Chromium's own id for the system default is 'default'; opening it means following the default.
 */
const HIDDEN_INPUT_ID = 'default';

/**
 * MediaDeviceInfo list → micgate's inputs. Chromium lists the system default as its own entry
 * (deviceId 'default'), which is the one marked isDefault; Firefox and Safari have no such entry,
 * and their first input is the default. An empty label is a name the browser hides (before a
 * grant): `name` is undefined, never ''. An input whose id is hidden too is listed once, as
 * 'default'.
 */
export function toAudioInputs(infos: readonly MediaDeviceInfo[]): AudioInputDevice[] {
  const inputs = infos.filter((info) => info.kind === 'audioinput');
  const hasDefaultEntry = inputs.some((info) => info.deviceId === 'default');
  const seen = new Set<string>();
  const devices: AudioInputDevice[] = [];
  for (const info of inputs) {
    const id = info.deviceId || HIDDEN_INPUT_ID;
    if (seen.has(id)) continue;
    seen.add(id);
    devices.push({
      id,
      name: info.label || undefined,
      isDefault: hasDefaultEntry ? id === 'default' : devices.length === 0,
    });
  }
  return devices;
}

function sameInputs(a: readonly AudioInputDevice[], b: readonly AudioInputDevice[]): boolean {
  return (
    a.length === b.length &&
    a.every((device, i) => device.id === b[i]!.id && device.name === b[i]!.name && device.isDefault === b[i]!.isDefault)
  );
}

/**
 * Device listing for an adapter, or undefined where the page cannot list devices (then the
 * adapter has neither `devices` nor `deviceChanges`). `deviceChanges` is there when `mediaDevices`
 * fires `devicechange`.
 */
export function createDeviceLister(options: DeviceListerOptions = {}): DeviceLister | undefined {
  const mediaDevices =
    options.mediaDevices ?? (globalThis.navigator?.mediaDevices as MediaDevicesLike | undefined) ?? undefined;
  const enumerate =
    options.enumerateDevices ??
    (typeof mediaDevices?.enumerateDevices === 'function' ? () => mediaDevices.enumerateDevices() : undefined);
  if (!enumerate) return undefined;

  const listInfos = async () => {
    try {
      return await enumerate();
    } catch (error) {
      throw normalizeMediaError(error);
    }
  };
  const devices = async () => toAudioInputs(await listInfos());

  const pollMs = options.pollMs ?? DEVICE_POLL_MS;
  if (typeof pollMs !== 'number' || !Number.isFinite(pollMs) || pollMs < 0) {
    throw new InvalidArgumentError('pollMs', pollMs, 'a number of milliseconds, 0 or more');
  }
  // Polling starts again after each listing, so a slow one is never overtaken by the next tick.
  const listing = pollMs > 0 ? () => defer(devices).pipe(repeat({ delay: pollMs })) : () => defer(devices);
  const canWatch = typeof mediaDevices?.addEventListener === 'function';
  const deviceChanges = canWatch
    ? () =>
        merge(
          of(undefined),
          fromEvent(mediaDevices as unknown as EventTarget, 'devicechange'),
          options.permissionChanges ?? of(),
        ).pipe(
          // A newer event wins over a listing still running: the list it gives is older.
          switchMap(listing),
          distinctUntilChanged(sameInputs),
        )
    : undefined;

  async function resolve(id: string | undefined): Promise<string | undefined> {
    if (id === undefined) return undefined;
    const infos = await listInfos();
    const inputs = infos.filter((info) => info.kind === 'audioinput');
    if (inputs.some((info) => info.deviceId === id)) return id;
    // The hidden input stands for the default: open it without naming a device.
    if (id === HIDDEN_INPUT_ID && inputs.some((info) => info.deviceId === '')) return undefined;
    const listed = toAudioInputs(infos)
      .map((device) => device.id)
      .join(', ');
    throw new DeviceNotFoundError(`no audio input has the id ${JSON.stringify(id)} (inputs now: ${listed || 'none'})`);
  }

  return { devices, deviceChanges, resolve };
}

/**
 * `open(deviceId)` for the input `device` names (undefined: the system default). A named input
 * is checked against the list first, so one that is not there now fails with
 * DeviceNotFoundError before anything opens (a getUserMedia OverconstrainedError, should it go
 * in between, maps to the same error). Without a lister the browser's answer is all there is.
 */
export function captureFrom<T>(
  lister: DeviceLister | undefined,
  device: string | undefined,
  open: (deviceId: string | undefined) => Observable<T>,
): Observable<T> {
  if (device !== undefined && (typeof device !== 'string' || device === '')) {
    return throwError(() => new InvalidArgumentError('device', device, 'a non-empty string'));
  }
  if (device === undefined || !lister) return open(device);
  return defer(() => lister.resolve(device)).pipe(switchMap(open));
}
