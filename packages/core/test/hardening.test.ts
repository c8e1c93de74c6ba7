import { Observable } from 'rxjs';
import { describe, expect, test } from 'vitest';
// The mock depends on core, so core cannot list it as a devDependency (turbo refuses the cycle):
// its source is imported directly. Both resolve to the same core module.
import { createMockPlatform, VirtualClock } from '../../mock/src/index.js';
import {
  type AudioFrame,
  createAudioSession,
  DeviceBusyError,
  ErrorCode,
  type RecordPermissionAdapter,
  resolveFormat,
} from '../src/index.js';

const format = { sampleRate: 8_000, channels: 1, framesPerBuffer: 80 }; // 10 ms buffers

function setup(decision?: 'denied' | 'granted') {
  const clock = new VirtualClock();
  const mock = createMockPlatform({ scheduler: clock });
  if (decision) mock.user.changeSetting(decision);
  const errors: unknown[] = [];
  const open = (overrides: Partial<RecordPermissionAdapter> = {}) =>
    createAudioSession({
      adapter: { ...mock.adapter, ...overrides },
      usageDescription: 'hardening test',
      scheduler: clock,
      onError: (e) => errors.push(e),
    });
  return { clock, mock, errors, open };
}

/** Settles with the promise's outcome, or 'pending' once `ms` of virtual time have passed. */
async function within<T>(clock: VirtualClock, ms: number, promise: Promise<T>) {
  let outcome: { value: T } | { error: unknown } | 'pending' = 'pending';
  promise.then(
    (value) => (outcome = { value }),
    (error: unknown) => (outcome = { error }),
  );
  await clock.advance(ms);
  return outcome;
}

describe('8: a signal that is not an AbortSignal is refused', () => {
  test('no removeEventListener: a typed error naming signal, not a hang', async () => {
    const { clock, open } = setup('denied');
    const session = open();
    const signal = { aborted: false, addEventListener: () => {} } as unknown as AbortSignal;
    const outcome = await within(clock, 100, session.requestRecordPermission({ signal }));
    expect(outcome).toEqual({ error: expect.objectContaining({ code: ErrorCode.InvalidArgument, field: 'signal' }) });
    session.close();
  });

  test('a signal whose getters throw: a rejection naming signal, not a synchronous throw', async () => {
    const { clock, open } = setup('denied');
    const session = open();
    const hostile = [
      {
        get signal(): AbortSignal {
          throw new Error('getter');
        },
      },
      {
        signal: new Proxy({} as AbortSignal, {
          get() {
            throw new Error('proxy');
          },
        }),
      },
    ];
    for (const options of hostile) {
      const outcome = await within(
        clock,
        10,
        Promise.resolve().then(() => session.requestRecordPermission(options)),
      );
      expect(outcome).toEqual({ error: expect.objectContaining({ code: ErrorCode.InvalidArgument, field: 'signal' }) });
    }
    session.close();
  });
});

describe('9: onError and scheduler are checked at createAudioSession', () => {
  test.each([
    ['onError', 5],
    ['onError', 'log'],
    ['scheduler', {}],
    ['scheduler', null],
    ['scheduler', { now: () => 0 }],
  ])('%s: %j', (field, value) => {
    const { mock } = setup();
    expect(() => createAudioSession({ adapter: mock.adapter, usageDescription: 'x', [field]: value } as never)).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidArgument, field }),
    );
  });
});

describe('10: a capture() that throws or returns nonsense fails the recording, not the process', () => {
  test.each([
    [
      'throws a DeviceBusyError',
      () => {
        throw new DeviceBusyError('busy, synchronously');
      },
      { code: ErrorCode.DeviceBusy, message: 'busy, synchronously' },
    ],
    [
      'throws a string',
      () => {
        throw 'nope';
      },
      { code: ErrorCode.Unknown },
    ],
    ['returns a number', () => 42, { code: ErrorCode.Adapter }],
    ['returns a promise', () => Promise.resolve([]), { code: ErrorCode.Adapter }],
  ])('capture() %s', async (_what, capture, expected) => {
    const { clock, open, errors: reported } = setup('granted');
    const session = open({ capture: capture as unknown as RecordPermissionAdapter['capture'] });
    const errors: unknown[] = [];
    session.record(format).subscribe({ error: (error) => errors.push(error) });
    await clock.advance(50);
    expect(errors).toEqual([expect.objectContaining(expected)]);
    expect(reported).toEqual([]);
    session.close();
  });
});

describe('11: format fields are read as plain properties', () => {
  test('a getter and an inherited field are used', () => {
    const withGetter = {
      get sampleRate() {
        return 22_050;
      },
    };
    expect(resolveFormat(withGetter).sampleRate).toBe(22_050);
    expect(resolveFormat(Object.create({ channels: 2 })).channels).toBe(2);
  });

  test('an invalid inherited field is refused, naming it', () => {
    expect(() => resolveFormat(Object.create({ sampleRate: Number.NaN }))).toThrow(
      expect.objectContaining({ field: 'sampleRate' }),
    );
  });

  test('a getter that throws is refused, naming the field', () => {
    const hostile = {
      get framesPerBuffer(): number {
        throw new Error('boom');
      },
    };
    expect(() => resolveFormat(hostile)).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidArgument, field: 'framesPerBuffer' }),
    );
  });
});

describe('13: a usageDescription with nothing visible is blank', () => {
  test.each(['\u200b', ' \u200b\u200c\u200d\ufeff ', '\u2060', '\u00a0\u3000', '\u2028', '\u00ad', '\u0000'])(
    '%j',
    async (usageDescription) => {
      const { clock, mock } = setup('denied');
      const session = createAudioSession({ adapter: mock.adapter, usageDescription, scheduler: clock });
      const outcome = await within(clock, 10, session.requestRecordPermission());
      expect(outcome).toEqual({ error: expect.objectContaining({ code: ErrorCode.MissingUsageDescription }) });
      session.close();
    },
  );

  test('visible text with invisible characters around it is a description', async () => {
    const { clock, mock } = setup('denied');
    const session = createAudioSession({
      adapter: mock.adapter,
      usageDescription: '\u200bRecords your voice\u200b',
      scheduler: clock,
    });
    expect(await within(clock, 10, session.requestRecordPermission())).toEqual({ value: false });
    session.close();
  });
});

describe("16: one subscriber cannot put sound into another subscriber's silence", () => {
  test('the first writes into samples and sets gated=false; the second still gets zeros, gated', async () => {
    const { clock, open, errors } = setup('denied');
    const session = open();
    const recording = session.record(format);
    let attacked = 0;
    recording.subscribe((frame) => {
      frame.samples.fill(0.9); // in-place "gain"
      try {
        (frame as { gated: boolean }).gated = false;
      } catch {
        // a frozen frame refuses the write
      }
      attacked++;
    });
    const seen: { gated: boolean; peak: number; frozen: boolean }[] = [];
    const piped: number[] = [];
    recording.subscribe((frame) =>
      seen.push({ gated: frame.gated, peak: Math.max(...frame.samples.map(Math.abs)), frozen: Object.isFrozen(frame) }),
    );
    // An operator chain subscribes through another path; it is protected too.
    recording.subscribe({ next: (frame) => frame.samples.fill(0.5) });
    const sub = new Observable<AudioFrame>((s) => recording.subscribe(s)).subscribe((frame) =>
      piped.push(Math.max(...frame.samples.map(Math.abs))),
    );
    await clock.advance(100);
    expect(attacked).toBeGreaterThanOrEqual(9);
    expect(seen.length).toBe(attacked);
    expect(seen.every((frame) => frame.gated && frame.peak === 0 && frame.frozen)).toBe(true);
    expect(piped.length).toBe(attacked);
    expect(piped.every((peak) => peak === 0)).toBe(true);
    expect(errors).toEqual([]);
    sub.unsubscribe();
    session.close();
  });
});

describe('16, nearby: a subscriber that transfers the shared silence buffer away', () => {
  test('postMessage-style transfer detaches it; every subscriber still gets full-length zeros', async () => {
    const { clock, open, errors } = setup('denied');
    const session = open();
    const recording = session.record(format);
    let transferred = 0;
    recording.subscribe((frame) => {
      if (frame.samples.byteLength > 0) {
        structuredClone(frame.samples.buffer, { transfer: [frame.samples.buffer as ArrayBuffer] }); // as worker.postMessage(s, [s.buffer]) does
        transferred++;
      }
    });
    const lengths: number[] = [];
    let peak = 0;
    recording.subscribe((frame) => {
      lengths.push(frame.samples.length);
      for (const sample of frame.samples) peak = Math.max(peak, Math.abs(sample));
    });
    await clock.advance(50);
    expect(transferred).toBeGreaterThanOrEqual(4); // the first subscriber gets a usable buffer each time too
    expect(lengths.length).toBeGreaterThanOrEqual(4);
    expect(lengths.every((length) => length === format.framesPerBuffer * format.channels)).toBe(true);
    expect(peak).toBe(0);
    expect(errors).toEqual([]);
    session.close();
  });
});

describe('17: a re-entrant change does not open the device while denied', () => {
  test('a recordPermission$ subscriber that switches granted back off, synchronously', async () => {
    const { clock, mock, open } = setup('denied');
    const session = open();
    await clock.advance(0);
    session.recordPermission$.subscribe((state) => {
      if (state === 'granted') mock.user.changeSetting('denied');
    });
    const frames: AudioFrame[] = [];
    // Samples are valid while a frame is delivered: copy to keep.
    session.record(format).subscribe((frame) => frames.push({ ...frame, samples: frame.samples.slice() }));
    await clock.advance(30);
    mock.user.changeSetting('granted'); // emits synchronously, as third-party adapters may
    await clock.advance(100);
    expect(session.recordPermission).toBe('denied');
    expect(mock.device.opens).toBe(0);
    expect(mock.device.isOpen).toBe(false);
    expect(frames.length).toBeGreaterThanOrEqual(12);
    expect(frames.every((frame) => frame.gated && frame.samples.every((s) => s === 0))).toBe(true);
    session.close();
  });

  test('the opposite: denied switched back to granted opens the device', async () => {
    const { clock, mock, open } = setup('granted');
    const session = open();
    await clock.advance(0);
    session.recordPermission$.subscribe((state) => {
      if (state === 'denied') mock.user.changeSetting('granted');
    });
    const frames: AudioFrame[] = [];
    session.record(format).subscribe((frame) => frames.push(frame));
    await clock.advance(30);
    mock.user.changeSetting('denied');
    await clock.advance(100);
    expect(session.recordPermission).toBe('granted');
    expect(mock.device.isOpen).toBe(true);
    expect(frames.at(-1)?.gated).toBe(false);
    session.close();
  });
});

describe('10, nearby: status(), prompt() and changes() that throw or answer nonsense', () => {
  test('status() throws synchronously: reported, and the request rejects with it; no throw from createAudioSession', async () => {
    const failure = new Error('status exploded');
    const { clock, open, errors } = setup();
    const session = open({
      status: () => {
        throw failure;
      },
    });
    expect(await within(clock, 10, session.requestRecordPermission())).toEqual({ error: failure });
    expect(errors).toContain(failure);
    session.close();
  });

  test('status() and prompt() that return plain values are taken as answers', async () => {
    const { clock, open } = setup();
    const session = open({
      status: (() => 'undetermined') as never,
      prompt: (() => 'denied') as never,
    });
    expect(await within(clock, 10, session.requestRecordPermission())).toEqual({ value: false });
    expect(session.recordPermission).toBe('denied');
    session.close();
  });

  test('changes() that throws or is not an Observable is reported; the session still works', async () => {
    for (const changes of [
      () => {
        throw new Error('no watcher');
      },
      () => 42,
    ]) {
      const { clock, open, errors } = setup('denied');
      const session = open({ changes: changes as never });
      expect(await within(clock, 10, session.requestRecordPermission())).toEqual({ value: false });
      expect(errors).toEqual([expect.any(Error)]);
      session.close();
    }
  });
});
