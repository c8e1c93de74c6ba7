/**
 * The devicechange logic against a scripted `mediaDevices`: an EventTarget whose
 * `enumerateDevices` answers what the test scripts and which fires `devicechange` when told.
 * A script, because a real plug, unplug or new system default cannot be staged in Chromium: its
 * fake devices are a fixed set that never changes while the browser runs. What Chromium's fake
 * devices do show (hidden labels before a grant, names after, selection by id, an unknown id) is
 * tested for real in devices-chromium.test.ts.
 */
import { type AudioInputDevice, DeviceNotFoundError, InvalidArgumentError } from '@micgate/core';
import { firstValueFrom, type Observable, Subject, type Subscription } from 'rxjs';
import { afterEach, describe, expect, test } from 'vitest';
import { createBrowserAdapter, createDeviceLister, toAudioInputs } from '../src/index.js';

type Info = Pick<MediaDeviceInfo, 'deviceId' | 'kind' | 'label' | 'groupId'>;

const info = (deviceId: string, label: string, kind: MediaDeviceKind = 'audioinput'): Info => ({
  deviceId,
  kind,
  label,
  groupId: deviceId ? `group-${deviceId}` : '',
});

/** What Chromium lists once granted: its 'default' entry, the inputs, and an output that is not an input. */
const CHROMIUM = [
  info('default', 'Default - USB Mic'),
  info('usb', 'USB Mic'),
  info('built-in', 'Built-in Microphone'),
  info('speakers', 'Speakers', 'audiooutput'),
];
/** What every engine lists before a grant: one input, id and label hidden. */
const HIDDEN = [info('', ''), info('', '', 'videoinput')];

class ScriptedMediaDevices extends EventTarget {
  calls = 0;
  /** Answers still to give; a pending one (from `hold`) resolves when released. */
  private holds: { release: () => void; promise: Promise<void> }[] = [];
  constructor(public infos: Info[]) {
    super();
  }
  async enumerateDevices(): Promise<MediaDeviceInfo[]> {
    this.calls++;
    const snapshot = this.infos.map((entry) => ({ ...entry, toJSON: () => entry }));
    const hold = this.holds.shift();
    if (hold) await hold.promise;
    return snapshot as MediaDeviceInfo[];
  }
  /** The next enumerateDevices answers what is listed now, but only once released. */
  hold(): () => void {
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.holds.push({ release, promise });
    return release;
  }
  /** The devices change as the OS reports them, then the browser fires devicechange. */
  change(infos: Info[]): void {
    this.infos = infos;
    this.dispatchEvent(new Event('devicechange'));
  }
}

const subscriptions: Subscription[] = [];
afterEach(() => {
  for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
});

/** Subscribe to a device stream and keep every list it gives. */
function collect(devices$: Observable<readonly AudioInputDevice[]>) {
  const lists: (readonly AudioInputDevice[])[] = [];
  const errors: unknown[] = [];
  subscriptions.push(devices$.subscribe({ next: (list) => lists.push(list), error: (error) => errors.push(error) }));
  return { lists, errors };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const ids = (list: readonly AudioInputDevice[] | undefined) => list?.map((device) => device.id);

describe('toAudioInputs', () => {
  test("Chromium: its 'default' entry is the default; outputs are not inputs", () => {
    expect(toAudioInputs(CHROMIUM as MediaDeviceInfo[])).toEqual([
      { id: 'default', name: 'Default - USB Mic', isDefault: true },
      { id: 'usb', name: 'USB Mic', isDefault: false },
      { id: 'built-in', name: 'Built-in Microphone', isDefault: false },
    ]);
  });

  test('Firefox and Safari list no default entry: the first input is the default', () => {
    const inputs = toAudioInputs([info('a', 'Headset'), info('b', 'Built-in')] as MediaDeviceInfo[]);
    expect(inputs.map((device) => device.isDefault)).toEqual([true, false]);
  });

  test("hidden labels are an undefined name, never ''; a hidden id is the one input 'default'", () => {
    expect(toAudioInputs(HIDDEN as MediaDeviceInfo[])).toEqual([{ id: 'default', name: undefined, isDefault: true }]);
    const labelsOnlyHidden = toAudioInputs([info('a', ''), info('b', '')] as MediaDeviceInfo[]);
    expect(labelsOnlyHidden.map((device) => device.name)).toEqual([undefined, undefined]);
    expect(labelsOnlyHidden.map((device) => device.id)).toEqual(['a', 'b']);
  });
});

describe('deviceChanges() on a scripted mediaDevices', () => {
  test('gives the inputs now, then a new list on plug, unplug and a new default', async () => {
    const media = new ScriptedMediaDevices(CHROMIUM);
    const lister = createDeviceLister({ mediaDevices: media })!;
    const { lists, errors } = collect(lister.deviceChanges!());
    await settle();
    expect(lists.map(ids)).toEqual([['default', 'usb', 'built-in']]);

    media.change([...CHROMIUM, info('headset', 'Bluetooth Headset')]); // plugged in
    await settle();
    expect(ids(lists.at(-1))).toEqual(['default', 'usb', 'built-in', 'headset']);

    media.change([info('default', 'Default - Built-in Microphone'), info('built-in', 'Built-in Microphone')]); // USB out
    await settle();
    expect(lists.at(-1)).toEqual([
      { id: 'default', name: 'Default - Built-in Microphone', isDefault: true },
      { id: 'built-in', name: 'Built-in Microphone', isDefault: false },
    ]);

    // Firefox: no default entry, the system default moves to the front.
    media.change([info('usb', 'USB Mic'), info('built-in', 'Built-in Microphone')]);
    await settle();
    media.change([info('built-in', 'Built-in Microphone'), info('usb', 'USB Mic')]);
    await settle();
    expect(lists.at(-1)!.find((device) => device.isDefault)?.id).toBe('built-in');
    expect(lists).toHaveLength(5);
    expect(errors).toEqual([]);
  });

  test('a devicechange that changes no input (a speaker, a camera) gives no new list', async () => {
    const media = new ScriptedMediaDevices(CHROMIUM);
    const { lists } = collect(createDeviceLister({ mediaDevices: media })!.deviceChanges!());
    await settle();
    media.change([...CHROMIUM, info('cam', 'Camera', 'videoinput')]);
    await settle();
    expect(media.calls).toBe(2);
    expect(lists).toHaveLength(1);
  });

  test('a grant (no devicechange fires for it) lists again: the names and ids appear', async () => {
    const media = new ScriptedMediaDevices(HIDDEN);
    const permissionChanges = new Subject<string>();
    const { lists } = collect(createDeviceLister({ mediaDevices: media, permissionChanges })!.deviceChanges!());
    await settle();
    expect(lists).toEqual([[{ id: 'default', name: undefined, isDefault: true }]]);
    media.infos = CHROMIUM; // what the browser lists once the page may use the microphone
    permissionChanges.next('granted');
    await settle();
    expect(lists.at(-1)!.map((device) => device.name)).toEqual(['Default - USB Mic', 'USB Mic', 'Built-in Microphone']);
  });

  test('a listing overtaken by a newer devicechange is dropped: the list is never older than the last event', async () => {
    const media = new ScriptedMediaDevices(CHROMIUM);
    const { lists } = collect(createDeviceLister({ mediaDevices: media })!.deviceChanges!());
    await settle();
    const releaseSlow = media.hold();
    media.change([...CHROMIUM, info('headset', 'Bluetooth Headset')]); // its listing is slow
    media.change(CHROMIUM); // the headset is gone again before that listing answers
    await settle();
    releaseSlow();
    await settle();
    expect(lists.map(ids)).toEqual([['default', 'usb', 'built-in']]);
  });

  test('unsubscribing stops listening to devicechange', async () => {
    const media = new ScriptedMediaDevices(CHROMIUM);
    const subscription = createDeviceLister({ mediaDevices: media })!.deviceChanges!().subscribe();
    await settle();
    subscription.unsubscribe();
    media.change([]);
    await settle();
    expect(media.calls).toBe(1);
  });

  // WebKit fires no devicechange for most plugs and unplugs (see DeviceListerOptions.pollMs).
  test('a change without a devicechange is seen by the next poll; polling stops with the subscription', async () => {
    const media = new ScriptedMediaDevices(CHROMIUM);
    const lists: (readonly AudioInputDevice[])[] = [];
    const subscription = createDeviceLister({ mediaDevices: media, pollMs: 20 })!.deviceChanges!().subscribe((list) =>
      lists.push(list),
    );
    await settle();
    media.infos = [info('built-in', 'Built-in Microphone')]; // unplugged, and no event
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lists.map(ids)).toEqual([['default', 'usb', 'built-in'], ['built-in']]);
    expect(media.calls).toBeGreaterThanOrEqual(3);
    subscription.unsubscribe();
    const calls = media.calls;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(media.calls).toBe(calls);
  });

  test('a slow listing is not overtaken by the next poll: the poll waits for it', async () => {
    const media = new ScriptedMediaDevices(CHROMIUM);
    const release = media.hold();
    const { lists } = collect(createDeviceLister({ mediaDevices: media, pollMs: 10 })!.deviceChanges!());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(media.calls).toBe(1);
    release();
    await settle();
    expect(lists).toHaveLength(1);
  });

  test('pollMs that is not 0 or more milliseconds is refused, naming it', () => {
    for (const pollMs of [-1, Number.NaN, Infinity, '1000']) {
      expect(() =>
        createDeviceLister({ mediaDevices: new ScriptedMediaDevices([]), pollMs: pollMs as number }),
      ).toThrow(InvalidArgumentError);
    }
    expect(() => createBrowserAdapter({ devicePollMs: -5, permissions: null })).toThrow(/devicePollMs/);
  });

  test('a failing enumerateDevices ends the stream with a typed error', async () => {
    const media = new ScriptedMediaDevices(CHROMIUM);
    media.enumerateDevices = () => Promise.reject(new DOMException('no', 'NotAllowedError'));
    const { errors } = collect(createDeviceLister({ mediaDevices: media })!.deviceChanges!());
    await settle();
    expect(errors).toHaveLength(1);
    expect((errors[0] as { code?: string }).code).toBe('ERR_MICGATE_PERMISSION_DENIED');
  });
});

describe('the browser adapter over a scripted mediaDevices', () => {
  const FORMAT = { sampleRate: 48_000, channels: 1, framesPerBuffer: 512 };

  /** A getUserMedia that records what it was asked and opens nothing (the request is what is tested). */
  function recordingGetUserMedia() {
    const asked: MediaStreamConstraints[] = [];
    const getUserMedia = (constraints: MediaStreamConstraints) => {
      asked.push(constraints);
      return Promise.reject(new DOMException('not opened in this test', 'NotReadableError'));
    };
    return { asked, getUserMedia };
  }

  test('declares deviceChanges and has it; devices() gives the same inputs', async () => {
    const media = new ScriptedMediaDevices(CHROMIUM);
    const adapter = createBrowserAdapter({ mediaDevices: media, permissions: null });
    expect(adapter.supports).toMatchObject({ devices: true, deviceChanges: true });
    const first = await firstValueFrom(adapter.deviceChanges!());
    expect(first).toEqual(await adapter.devices!());
    adapter.close();
  });

  test('an id that is not an input now: DeviceNotFoundError before getUserMedia is called', async () => {
    const media = new ScriptedMediaDevices(CHROMIUM);
    const { asked, getUserMedia } = recordingGetUserMedia();
    const adapter = createBrowserAdapter({ mediaDevices: media, permissions: null, getUserMedia });
    const error = await firstValueFrom(adapter.capture(FORMAT, { device: 'headset' })).catch((thrown) => thrown);
    expect(error).toBeInstanceOf(DeviceNotFoundError);
    expect((error as Error).message).toContain('"headset"');
    expect(asked).toEqual([]);
    adapter.close();
  });

  test("a listed id is opened exact; the hidden input 'default' and no device open the default", async () => {
    const media = new ScriptedMediaDevices(CHROMIUM);
    const { asked, getUserMedia } = recordingGetUserMedia();
    const adapter = createBrowserAdapter({ mediaDevices: media, permissions: null, getUserMedia });
    await firstValueFrom(adapter.capture(FORMAT, { device: 'built-in' })).catch(() => undefined);
    expect((asked[0]!.audio as MediaTrackConstraints).deviceId).toEqual({ exact: 'built-in' });
    media.infos = HIDDEN;
    await firstValueFrom(adapter.capture(FORMAT, { device: 'default' })).catch(() => undefined);
    await firstValueFrom(adapter.capture(FORMAT)).catch(() => undefined);
    expect(asked.slice(1).map((constraints) => (constraints.audio as MediaTrackConstraints).deviceId)).toEqual([
      undefined,
      undefined,
    ]);
    adapter.close();
  });

  test("the adapter's `device` option is checked the same way; a request's device wins over it", async () => {
    const media = new ScriptedMediaDevices(CHROMIUM);
    const { asked, getUserMedia } = recordingGetUserMedia();
    const adapter = createBrowserAdapter({ mediaDevices: media, permissions: null, getUserMedia, device: 'gone' });
    expect(await firstValueFrom(adapter.capture(FORMAT)).catch((thrown) => thrown)).toBeInstanceOf(DeviceNotFoundError);
    await firstValueFrom(adapter.capture(FORMAT, { device: 'usb' })).catch(() => undefined);
    expect(asked.map((constraints) => (constraints.audio as MediaTrackConstraints).deviceId)).toEqual([
      { exact: 'usb' },
    ]);
    const invalid = await firstValueFrom(adapter.capture(FORMAT, { device: '' })).catch((thrown) => thrown);
    expect(invalid).toBeInstanceOf(InvalidArgumentError);
    adapter.close();
  });

  test('close() completes deviceChanges()', async () => {
    const media = new ScriptedMediaDevices(CHROMIUM);
    const adapter = createBrowserAdapter({ mediaDevices: media, permissions: null });
    let completed = false;
    subscriptions.push(adapter.deviceChanges!().subscribe({ complete: () => (completed = true) }));
    adapter.close();
    expect(completed).toBe(true);
  });
});
