import { BehaviorSubject, Observable, type Subscriber } from 'rxjs';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  type AudioFormat,
  type AudioFrame,
  type AudioInputDevice,
  type AudioSession,
  type CaptureRequest,
  createAudioSession,
  type DeviceFrame,
  DeviceLostError,
  DeviceNotFoundError,
  ErrorCode,
  type RecordPermissionAdapter,
} from '../src/index.js';

/** One input of the scripted adapter: its listing, the value its samples carry, and an optional fixed rate. */
interface Input {
  id: string;
  name: string | undefined;
  value: number;
  sampleRate?: number;
}

/**
 * A scripted adapter with several inputs: plug and unplug them, choose the default. Capture delivers
 * buffers filled with the input's value on (fake) timers. `changes` false drops deviceChanges(),
 * `list` false drops devices() too.
 */
function inputsAdapter(options: { deviceChanges?: boolean; list?: boolean } = {}) {
  const { deviceChanges = true, list = true } = options;
  const inputs: Input[] = [{ id: 'built-in', name: 'Built-in Microphone', value: 0.25 }];
  const plugged = new Set(['built-in']);
  let chosen = 'built-in';
  const live = new Map<string, Set<Subscriber<DeviceFrame>>>();
  const calls: (CaptureRequest | undefined)[] = [];
  const listing = () => {
    const present = inputs.filter((input) => plugged.has(input.id));
    const fallback = present.find((input) => input.id === chosen) ?? present[0];
    return present.map((input) => ({ id: input.id, name: input.name, isDefault: input === fallback }));
  };
  const changes = new BehaviorSubject<readonly AudioInputDevice[]>(listing());
  const publish = () => changes.next(listing());
  const adapter: RecordPermissionAdapter = {
    name: 'inputs',
    supports: { changes: false, devices: list, deviceChanges },
    status: async () => 'granted',
    prompt: async () => 'granted',
    capture: (format: AudioFormat, request?: CaptureRequest) =>
      new Observable<DeviceFrame>((subscriber) => {
        calls.push(request);
        const id = request?.device ?? listing().find((input) => input.isDefault)?.id;
        const input = inputs.find((candidate) => candidate.id === id && plugged.has(candidate.id));
        if (!input) {
          subscriber.error(new DeviceNotFoundError(`no input ${String(id)}`));
          return;
        }
        const subscribers = live.get(input.id) ?? new Set();
        live.set(input.id, subscribers.add(subscriber));
        const sampleRate = input.sampleRate ?? format.sampleRate;
        const periodMs = (format.framesPerBuffer / format.sampleRate) * 1000;
        const timer = setInterval(() => {
          subscriber.next({
            samples: new Float32Array(format.framesPerBuffer * format.channels).fill(input.value),
            frames: format.framesPerBuffer,
            sampleRate,
            channels: format.channels,
            time: Date.now() / 1000,
          });
        }, periodMs);
        return () => {
          clearInterval(timer);
          subscribers.delete(subscriber);
        };
      }),
    ...(list ? { devices: async () => listing() } : {}),
    ...(deviceChanges ? { deviceChanges: () => changes.asObservable() } : {}),
  };
  return {
    adapter,
    calls,
    add(input: Input) {
      inputs.push(input);
      plugged.add(input.id);
      publish();
    },
    unplug(id: string) {
      plugged.delete(id);
      publish();
      for (const subscriber of [...(live.get(id) ?? [])]) subscriber.error(new DeviceLostError(`${id} unplugged`));
    },
    plugIn(id: string) {
      plugged.add(id);
      publish();
    },
    choose(id: string) {
      chosen = id;
      publish();
    },
    isOpen: (id: string) => (live.get(id)?.size ?? 0) > 0,
  };
}

const format = { sampleRate: 8_000, channels: 1, framesPerBuffer: 80 }; // 10 ms buffers
let sessions: AudioSession[] = [];
const open = (adapter: RecordPermissionAdapter) => {
  const session = createAudioSession({ adapter, usageDescription: 'devices', onError: () => {} });
  sessions.push(session);
  return session;
};

/** Every frame of one recording, with what its samples carry. */
function record(session: AudioSession, options: Parameters<AudioSession['record']>[0] = format) {
  const frames: { position: number; silence: string; value: number; gated: boolean }[] = [];
  let error: unknown;
  const subscription = session.record(options).subscribe({
    next: (frame: AudioFrame) =>
      frames.push({
        position: frame.position,
        gated: frame.gated,
        silence: frame.silence ?? 'audio',
        value: frame.samples[0] ?? Number.NaN,
      }),
    error: (thrown: unknown) => {
      error = thrown;
    },
  });
  return {
    frames,
    error: () => error,
    runs: () => frames.map((frame) => frame.silence).filter((label, index, all) => label !== all[index - 1]),
    values: () => [...new Set(frames.filter((frame) => !frame.gated).map((frame) => frame.value))],
    gapless: () => frames.every((frame, index) => frame.position === index * format.framesPerBuffer),
    stop: () => subscription.unsubscribe(),
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  sessions = [];
});
afterEach(() => {
  for (const session of sessions) session.close();
  vi.useRealTimers();
});

describe('record({ device }): id first, then exact name, before anything opens', () => {
  test('by id and by name the chosen input records; the adapter is asked for it by id', async () => {
    const rig = inputsAdapter();
    rig.add({ id: 'usb-7', name: 'USB Headset', value: 0.5 });
    const session = open(rig.adapter);
    const byId = record(session, { ...format, device: 'usb-7' });
    const byName = record(session, { ...format, channels: 2, device: 'USB Headset' });
    await vi.advanceTimersByTimeAsync(100);
    expect(byId.values()).toEqual([0.5]);
    expect(byName.values()).toEqual([0.5]);
    expect(rig.calls).toEqual([{ device: 'usb-7' }, { device: 'usb-7' }]);
  });

  test('an id wins over a name that is the same string', async () => {
    const rig = inputsAdapter();
    rig.add({ id: 'a', name: 'b', value: 0.5 });
    rig.add({ id: 'b', name: 'other', value: 0.75 });
    const recording = record(open(rig.adapter), { ...format, device: 'b' });
    await vi.advanceTimersByTimeAsync(50);
    expect(recording.values()).toEqual([0.75]);
  });

  test('an input that is not there is DeviceNotFoundError, naming what there is, and nothing opens', async () => {
    const rig = inputsAdapter();
    const recording = record(open(rig.adapter), { ...format, device: 'Studio Mic' });
    await vi.advanceTimersByTimeAsync(50);
    expect(recording.error()).toBeInstanceOf(DeviceNotFoundError);
    expect(String((recording.error() as Error).message)).toContain('"Built-in Microphone" (built-in)');
    expect(rig.calls).toEqual([]);
    expect(recording.frames.every((frame) => frame.gated)).toBe(true);
  });

  test('an adapter that cannot list its inputs gets the string as the id, and its own DeviceNotFoundError ends the recording', async () => {
    const rig = inputsAdapter({ deviceChanges: false, list: false });
    rig.add({ id: 'usb-7', name: 'USB Headset', value: 0.5 });
    const session = open(rig.adapter);
    const found = record(session, { ...format, device: 'usb-7' });
    const missing = record(session, { ...format, device: 'USB Headset' });
    await vi.advanceTimersByTimeAsync(50);
    expect(found.values()).toEqual([0.5]);
    expect(missing.error()).toBeInstanceOf(DeviceNotFoundError);
    expect(rig.calls).toEqual([{ device: 'usb-7' }, { device: 'USB Headset' }]);
  });

  test('the device and onDeviceLost are part of what one shared recording is', () => {
    const session = open(inputsAdapter().adapter);
    expect(session.record({ ...format, device: 'built-in' })).toBe(session.record({ ...format, device: 'built-in' }));
    expect(session.record({ ...format, device: 'built-in' })).not.toBe(session.record(format));
    expect(session.record({ ...format, onDeviceLost: 'end' })).not.toBe(session.record(format));
    expect(session.record({ ...format, onDeviceLost: 'wait' })).toBe(session.record(format));
  });

  test.each([
    [{ device: '' }, 'device'],
    [{ device: '  ' }, 'device'],
    [{ device: 7 }, 'device'],
    [{ onDeviceLost: 'retry' }, 'onDeviceLost'],
  ])('%o is refused at once, naming %s', (options, field) => {
    const session = open(inputsAdapter().adapter);
    expect(() => session.record({ ...format, ...options } as never)).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidArgument, field }),
    );
  });
});

describe("onDeviceLost: 'wait' (the default) survives a lost input", () => {
  test('following the default: device-lost zeros, then the new default input, in one subscription', async () => {
    const rig = inputsAdapter();
    const recording = record(open(rig.adapter));
    await vi.advanceTimersByTimeAsync(100);
    rig.unplug('built-in');
    await vi.advanceTimersByTimeAsync(200);
    expect(recording.frames.at(-1)?.silence).toBe('device-lost');
    rig.add({ id: 'usb-7', name: 'USB Headset', value: 0.5 });
    await vi.advanceTimersByTimeAsync(100);
    expect(recording.error()).toBeUndefined();
    expect(recording.runs()).toEqual(['device-starting', 'audio', 'device-lost', 'device-starting', 'audio']);
    expect(recording.values()).toEqual([0.25, 0.5]);
    expect(recording.gapless()).toBe(true);
    const lost = recording.frames.filter((frame) => frame.silence === 'device-lost');
    expect(lost.length).toBeGreaterThanOrEqual(19); // 200 ms of 10 ms buffers, paced
    expect(lost.every((frame) => frame.gated && frame.value === 0)).toBe(true);
  });

  test('a chosen input waits for that input: another default does not replace it', async () => {
    const rig = inputsAdapter();
    rig.add({ id: 'usb-7', name: 'USB Headset', value: 0.5 });
    const recording = record(open(rig.adapter), { ...format, device: 'USB Headset' });
    await vi.advanceTimersByTimeAsync(100);
    rig.unplug('usb-7');
    await vi.advanceTimersByTimeAsync(300);
    expect(rig.isOpen('built-in')).toBe(false);
    rig.plugIn('usb-7');
    await vi.advanceTimersByTimeAsync(100);
    expect(recording.runs()).toEqual(['device-starting', 'audio', 'device-lost', 'device-starting', 'audio']);
    expect(recording.values()).toEqual([0.5]);
    expect(recording.gapless()).toBe(true);
  });

  test('without deviceChanges() it tries again every second until the input opens', async () => {
    const rig = inputsAdapter({ deviceChanges: false });
    const recording = record(open(rig.adapter));
    await vi.advanceTimersByTimeAsync(100);
    rig.unplug('built-in');
    await vi.advanceTimersByTimeAsync(2_500);
    const triesWhileGone = rig.calls.length - 1;
    expect(triesWhileGone).toBe(2);
    rig.plugIn('built-in');
    await vi.advanceTimersByTimeAsync(600);
    expect(recording.frames.at(-1)?.silence).toBe('audio');
    expect(recording.error()).toBeUndefined();
    expect(recording.gapless()).toBe(true);
  });

  test('a reopened input that cannot give the asked rate ends the recording with UnsupportedFormatError', async () => {
    const rig = inputsAdapter();
    const recording = record(open(rig.adapter));
    await vi.advanceTimersByTimeAsync(100);
    rig.unplug('built-in');
    rig.add({ id: 'bt', name: 'Headset', value: 0.5, sampleRate: 16_000 });
    await vi.advanceTimersByTimeAsync(100);
    expect(recording.error()).toMatchObject({ code: ErrorCode.UnsupportedFormat, name: 'UnsupportedFormatError' });
    expect(recording.values()).toEqual([0.25]);
    expect(rig.isOpen('bt')).toBe(false);
  });

  test("'end' ends with DeviceLostError instead", async () => {
    const rig = inputsAdapter();
    const recording = record(open(rig.adapter), { ...format, onDeviceLost: 'end' });
    await vi.advanceTimersByTimeAsync(100);
    rig.unplug('built-in');
    await vi.advanceTimersByTimeAsync(100);
    expect(recording.error()).toBeInstanceOf(DeviceLostError);
    expect(recording.runs()).toEqual(['device-starting', 'audio']);
  });

  test('the session says device-lost while a recording waits, and still after it is left waiting', async () => {
    const rig = inputsAdapter();
    const session = open(rig.adapter);
    const recording = record(session);
    await vi.advanceTimersByTimeAsync(100);
    expect(session.silence).toBe(undefined);
    rig.unplug('built-in');
    await vi.advanceTimersByTimeAsync(50);
    expect(session.silence).toBe('device-lost');
    recording.stop();
    expect(session.silence).toBe('device-lost');
  });

  test('unsubscribing while the input is gone leaves no timer and no watcher behind', async () => {
    const rig = inputsAdapter({ deviceChanges: false });
    const recording = record(open(rig.adapter));
    await vi.advanceTimersByTimeAsync(100);
    rig.unplug('built-in');
    await vi.advanceTimersByTimeAsync(100);
    recording.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('session.devices$', () => {
  test('with deviceChanges(): the inputs now, then every change, one watcher for every subscriber', async () => {
    const rig = inputsAdapter();
    const watched = vi.spyOn(rig.adapter, 'deviceChanges');
    const session = open(rig.adapter);
    const ids: string[][] = [];
    const first = session.devices$.subscribe((list) => ids.push(list.map((input) => input.id)));
    const second = session.devices$.subscribe(() => {});
    rig.add({ id: 'usb-7', name: 'USB Headset', value: 0.5 });
    expect(ids).toEqual([['built-in'], ['built-in', 'usb-7']]);
    expect(watched).toHaveBeenCalledTimes(1);
    first.unsubscribe();
    second.unsubscribe();
  });

  test('with devices() only: one list, then complete; with neither: an empty list, then complete', async () => {
    const lists: unknown[] = [];
    const completed: string[] = [];
    for (const [name, rig] of [
      ['devices', inputsAdapter({ deviceChanges: false })],
      ['none', inputsAdapter({ deviceChanges: false, list: false })],
    ] as const) {
      open(rig.adapter).devices$.subscribe({ next: (list) => lists.push(list), complete: () => completed.push(name) });
    }
    await vi.advanceTimersByTimeAsync(0);
    // Neither gives its empty list at once; devices() answers a moment later.
    expect(lists).toEqual([[], [{ id: 'built-in', name: 'Built-in Microphone', isDefault: true }]]);
    expect(completed).toEqual(['none', 'devices']);
  });

  test('close() completes it', () => {
    const session = open(inputsAdapter().adapter);
    let completed = false;
    session.devices$.subscribe({ complete: () => (completed = true) });
    session.close();
    expect(completed).toBe(true);
  });
});
