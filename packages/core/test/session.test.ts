import { EMPTY, Observable, Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  type AudioSession,
  createAudioSession,
  type DeviceFrame,
  DeviceLostError,
  PromptUnavailableError,
  type RecordPermission,
  type RecordPermissionAdapter,
} from '../src/index.js';

/** A minimal in-test adapter: answers from fields the test sets. */
function adapter(overrides: Partial<RecordPermissionAdapter> = {}) {
  const state = { decision: 'undetermined' as RecordPermission, opens: 0 };
  const changes = new Subject<RecordPermission>();
  const base: RecordPermissionAdapter = {
    name: 'test',
    supports: { changes: true, devices: false, deviceChanges: false },
    status: async () => state.decision,
    prompt: async () => {
      state.decision = 'granted';
      return 'granted';
    },
    changes: () => changes,
    capture: (format) =>
      new Observable<DeviceFrame>((subscriber) => {
        state.opens++;
        const timer = setInterval(
          () => {
            subscriber.next({
              samples: new Float32Array(format.framesPerBuffer * format.channels).fill(0.25),
              frames: format.framesPerBuffer,
              sampleRate: format.sampleRate,
              channels: format.channels,
              time: Date.now() / 1000,
            });
          },
          (format.framesPerBuffer / format.sampleRate) * 1000,
        );
        return () => clearInterval(timer);
      }),
  };
  return { adapter: { ...base, ...overrides }, state, changes };
}

const format = { sampleRate: 8_000, channels: 1, framesPerBuffer: 80 }; // 10 ms buffers
let sessions: AudioSession[] = [];
const open = (options: Parameters<typeof createAudioSession>[0]) => {
  const session = createAudioSession(options);
  sessions.push(session);
  return session;
};

beforeEach(() => {
  vi.useFakeTimers();
  sessions = [];
});
afterEach(() => {
  for (const session of sessions) session.close();
  vi.useRealTimers();
});

describe('createAudioSession refuses bad options, naming the field', () => {
  test.each([
    [{ adapter: undefined }, 'adapter'],
    [{ adapter: { status: () => {} } }, 'adapter'],
    // The manifest declares changes(), but there is none.
    [{ adapter: { ...adapter().adapter, changes: undefined }, usageDescription: 'x' }, 'adapter'],
    [{ adapter: { ...adapter().adapter, supports: undefined }, usageDescription: 'x' }, 'adapter'],
    [{ adapter: adapter().adapter, usageDescription: 7 }, 'usageDescription'],
    [{ adapter: adapter().adapter, usageDescription: 'x', appName: {} }, 'appName'],
  ])('%#: %s', (options, field) => {
    expect(() => createAudioSession(options as never)).toThrow(
      expect.objectContaining({ name: 'InvalidArgumentError', field }),
    );
  });

  test('a request with options that are not options', async () => {
    const session = open({ adapter: adapter().adapter, usageDescription: 'x' });
    await expect(session.requestRecordPermission(42 as never)).rejects.toMatchObject({ field: 'options' });
    await expect(session.requestRecordPermission({ signal: {} as AbortSignal })).rejects.toMatchObject({
      field: 'signal',
    });
  });
});

describe('the adapter manifest', () => {
  test('an adapter without changes() (supports.changes false) works; its status is what the session knows', async () => {
    const { adapter: base, state } = adapter();
    const { changes: _none, ...withoutChanges } = base;
    state.decision = 'denied';
    const session = open({
      adapter: { ...withoutChanges, supports: { changes: false, devices: false, deviceChanges: false } },
      usageDescription: 'x',
    });
    await expect(session.requestRecordPermission()).resolves.toBe(false);
    expect(session.recordPermission).toBe('denied');
  });

  test('with supports.changes false the session does not subscribe to a changes() that is there anyway', () => {
    const { adapter: base } = adapter();
    const changes = vi.fn(() => EMPTY);
    open({
      adapter: { ...base, changes, supports: { changes: false, devices: false, deviceChanges: false } },
      usageDescription: 'x',
    });
    expect(changes).not.toHaveBeenCalled();
  });

  test('session.close() leaves the adapter open: the app owns it', () => {
    const { adapter: base } = adapter();
    const close = vi.fn();
    const session = open({ adapter: { ...base, close }, usageDescription: 'x' });
    session.close();
    expect(close).not.toHaveBeenCalled();
  });
});

describe('platform failures', () => {
  test('a prompt that cannot be shown rejects the request, reaches the callback, and fails the recording', async () => {
    const failure = new PromptUnavailableError('no terminal');
    const { adapter: a } = adapter({ prompt: () => Promise.reject(failure) });
    const session = open({ adapter: a, usageDescription: 'x' });
    await expect(session.requestRecordPermission()).rejects.toBe(failure);
    const response = vi.fn();
    session.requestRecordPermission(response);
    await vi.advanceTimersByTimeAsync(1);
    expect(response).toHaveBeenCalledExactlyOnceWith(false, failure);
    const errors: unknown[] = [];
    session.record(format).subscribe({ error: (error) => errors.push(error) });
    await vi.advanceTimersByTimeAsync(1);
    expect(errors).toEqual([failure]);
    expect(session.recordPermission).toBe('undetermined');
  });

  test('a failed status() is reported and retried by the next request', async () => {
    let reads = 0;
    const { adapter: a } = adapter({
      status: async () => {
        reads++;
        if (reads === 1) throw new Error('disk on fire');
        return 'denied';
      },
    });
    const onError = vi.fn();
    const session = open({ adapter: a, usageDescription: 'x', onError });
    await vi.advanceTimersByTimeAsync(1);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'disk on fire' }));
    await expect(session.requestRecordPermission()).resolves.toBe(false);
    expect(reads).toBe(2);
  });

  test('an adapter that answers nonsense gets a typed error, not a silent grant', async () => {
    const { adapter: a } = adapter({ prompt: async () => 'yes' as RecordPermission });
    const session = open({ adapter: a, usageDescription: 'x' });
    await expect(session.requestRecordPermission()).rejects.toMatchObject({ code: 'ERR_MICGATE_ADAPTER' });
    expect(session.recordPermission).toBe('undetermined');
  });

  test("a device stream that ends by itself is a lost device ('end': DeviceLostError)", async () => {
    const { adapter: a, state } = adapter({ capture: () => EMPTY });
    state.decision = 'granted';
    const session = open({ adapter: a, usageDescription: 'x' });
    const errors: unknown[] = [];
    session.record({ ...format, onDeviceLost: 'end' }).subscribe({ error: (error) => errors.push(error) });
    await vi.advanceTimersByTimeAsync(50);
    expect(errors).toEqual([expect.any(DeviceLostError)]);
  });
});

describe('sharing and teardown', () => {
  test('one device per format; a second format opens its own', async () => {
    const { adapter: a, state } = adapter();
    state.decision = 'granted';
    const session = open({ adapter: a, usageDescription: 'x' });
    expect(session.record(format)).toBe(session.record({ ...format }));
    const subscriptions = [
      session.record(format).subscribe(),
      session.record(format).subscribe(),
      session.record({ ...format, channels: 2 }).subscribe(),
    ];
    await vi.advanceTimersByTimeAsync(50);
    expect(state.opens).toBe(2);
    for (const subscription of subscriptions) subscription.unsubscribe();
  });

  test('close() leaves no timer and no listener behind', async () => {
    const signal = new AbortController().signal;
    const add = vi.spyOn(signal, 'addEventListener');
    const remove = vi.spyOn(signal, 'removeEventListener');
    const { adapter: a } = adapter({ prompt: () => new Promise<RecordPermission>(() => {}) });
    const session = open({ adapter: a, usageDescription: 'x' });
    session.record(format).subscribe({ error: () => {} });
    const pending = session.requestRecordPermission({ signal });
    await vi.advanceTimersByTimeAsync(100);
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    session.close();
    await expect(pending).rejects.toMatchObject({ name: 'SessionClosedError' });
    expect(vi.getTimerCount()).toBe(0);
    expect(add).toHaveBeenCalledTimes(1);
    expect(remove).toHaveBeenCalledTimes(1);
  });

  test('a change that arrives while status() is still reading wins', async () => {
    let finishRead: (value: RecordPermission) => void = () => {};
    const { adapter: a, changes } = adapter({ status: () => new Promise((resolve) => (finishRead = resolve)) });
    const session = open({ adapter: a, usageDescription: 'x' });
    changes.next('granted');
    finishRead('denied');
    await vi.advanceTimersByTimeAsync(1);
    expect(session.recordPermission).toBe('granted');
  });
});
