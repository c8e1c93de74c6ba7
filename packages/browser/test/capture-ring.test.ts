// Runs in the 'chromium:isolated' project: the page is served with COOP/COEP, so it is cross-origin
// isolated and capture hands the worklet a SharedArrayBuffer ring (capture-transfer.test.ts is the fallback).
import { measureLevel } from '@micgate/core';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createCaptureRing } from '../src/capture-ring.js';
import { type CaptureMessage, type CaptureProcessorOptions, captureWorkletSource } from '../src/capture-worklet.js';
import { createBrowserAdapter } from '../src/index.js';
import {
  clickPage,
  createMicrophoneGate,
  type MicrophoneGate,
  setMicrophonePermission,
} from '@micgate/chromium-rig/page';
import { expectTone, toneFrames, watchPortMessages } from './capture-path.js';

beforeAll(() => clickPage());

describe('cross-origin isolated: the capture worklet writes into a SharedArrayBuffer ring', () => {
  let gate: MicrophoneGate;
  let port: ReturnType<typeof watchPortMessages>;
  beforeEach(async () => {
    await setMicrophonePermission('granted');
    gate = createMicrophoneGate();
    port = watchPortMessages();
  });
  afterEach(() => {
    port.dispose();
    gate.dispose();
  });

  test('48 kHz mono, 1024-frame buffers: the tone, each buffer a view lent from the ring, posted as ring turns', async () => {
    expect(globalThis.crossOriginIsolated).toBe(true);
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia });
    const { frames, shared } = await toneFrames(
      adapter.capture({ sampleRate: 48_000, channels: 1, framesPerBuffer: 1024 }),
      40,
    );
    expectTone(frames, 48_000, 1, 1024);
    expect(shared.every(Boolean)).toBe(true); // lent from the ring: no copy, no allocation
    expect(port.messages.length).toBeGreaterThanOrEqual(40);
    expect(port.messages.every((message) => typeof message === 'number')).toBe(true);
  });

  test('16 kHz stereo, 256-frame buffers: the tone on both channels through the ring', async () => {
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia });
    const { frames, shared } = await toneFrames(
      adapter.capture({ sampleRate: 16_000, channels: 2, framesPerBuffer: 256 }),
      40,
    );
    expectTone(frames, 16_000, 2, 256, 0.9);
    expect(shared.every(Boolean)).toBe(true);
    expect(port.messages.every((message) => typeof message === 'number')).toBe(true);
  });

  test('a subscriber that holds one delivery longer than the ring lasts: its samples hold still, no buffer is lost', async () => {
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia });
    const format = { sampleRate: 48_000, channels: 1, framesPerBuffer: 1024 };
    const times: number[] = [];
    let stalled: { before: Float32Array; after: Float32Array } | undefined;
    await new Promise<void>((resolve, reject) => {
      const subscription = adapter.capture(format).subscribe({
        next: (frame) => {
          times.push(frame.time);
          // Once the tone flows: block the main thread 1.5 s inside this delivery, while the
          // audio thread goes on writing (the ring holds 1 s), and look at the samples again.
          if (!stalled && times.length > 30 && measureLevel(frame.samples).peak > 0.1) {
            const before = frame.samples.slice();
            const until = performance.now() + 1_500;
            while (performance.now() < until) {
              // busy: nothing else runs on this thread
            }
            stalled = { before, after: frame.samples.slice() };
          }
          if (stalled && times.length >= 30 + 47 * 3) {
            subscription.unsubscribe();
            resolve();
          }
        },
        error: reject,
      });
    });
    expect(Array.from(stalled!.after)).toEqual(Array.from(stalled!.before));
    // Every buffer came, in order: the stretch the ring could not hold was transferred instead.
    for (let i = 1; i < times.length; i++)
      expect(Math.round((times[i]! - times[i - 1]!) * format.sampleRate)).toBe(format.framesPerBuffer);
    expect(port.messages.some((message) => typeof message === 'object')).toBe(true);
    expect(port.messages.filter((message) => typeof message === 'number').length).toBeGreaterThan(47);
  });
});

/** The capture processor run by hand on this page: its port records what it posts, synchronously. */
function processor(options: CaptureProcessorOptions) {
  const posted: CaptureMessage[] = [];
  const scope = {
    currentFrame: 0,
    AudioWorkletProcessor: class {
      readonly port = { postMessage: (message: CaptureMessage) => posted.push(message), onmessage: null };
    },
    registerProcessor(_name: string, processorClass: new (options: unknown) => unknown) {
      scope.made = processorClass;
    },
    made: undefined as (new (options: unknown) => unknown) | undefined,
  };
  // The module's source text, with this scope standing in for the AudioWorkletGlobalScope.
  new Function('globalThis', captureWorkletSource())(scope);
  const instance = new scope.made!({ processorOptions: options }) as { process(inputs: Float32Array[][]): boolean };
  return {
    posted,
    /** One render quantum: its channels (none = no data), at context frame `frame`. */
    quantum(channels: Float32Array[], frame: number) {
      scope.currentFrame = frame;
      instance.process([channels]);
    },
  };
}

/** Quanta of a stereo ramp, some silent and some with one channel, the same every call. */
function* quanta(count: number): Generator<Float32Array[]> {
  for (let q = 0; q < count; q++) {
    const left = Float32Array.from({ length: 128 }, (_, i) => Math.sin((q * 128 + i) / 7));
    const right = Float32Array.from({ length: 128 }, (_, i) => -((q * 128 + i) % 97) / 97);
    yield q >= 30 && q < 33 ? [] : q === 40 ? [left] : [left, right];
  }
}

describe('the ring against the transfer path, sample for sample', () => {
  // 1 kHz with 300-frame buffers: a ring of 4 slots, reused over and over; buffers straddle quanta.
  const format = { sampleRate: 1_000, channels: 2, framesPerBuffer: 300 };

  test('the same quanta give the same buffers and start frames, through slots reused many times', () => {
    const ring = createCaptureRing(format.sampleRate, format.channels, format.framesPerBuffer)!;
    expect(ring.options.slots).toBe(4);
    const shared = processor({ ...format, ring: ring.options });
    const transferred = processor(format);
    const fromRing: { samples: number[]; startFrame: number }[] = [];
    let q = 0;
    for (const channels of quanta(60)) {
      shared.quantum(channels, q * 128);
      transferred.quantum(channels, q * 128);
      q++;
      // The main thread reads each turn as it arrives, handing the slot back.
      while (shared.posted.length > 0) {
        const message = shared.posted.shift()!;
        expect(typeof message).toBe('number');
        ring.read(message as number, (samples, startFrame) =>
          fromRing.push({ samples: Array.from(samples), startFrame }),
        );
      }
    }
    const fromTransfer = transferred.posted.map((message) => {
      if (typeof message === 'number') throw new Error('the transfer path posted a ring turn');
      return { samples: Array.from(message.samples), startFrame: message.startFrame };
    });
    expect(fromTransfer).toHaveLength(Math.floor((60 * 128) / 300));
    expect(fromRing).toEqual(fromTransfer);
    // The silent quanta (30-32) and the one-channel quantum (40) came through as zeros in reused slots.
    const silentBuffer = fromRing[Math.floor((31 * 128) / 300)]!;
    expect(silentBuffer.samples.some((value) => value === 0)).toBe(true);
  });

  test('while every slot waits to be read, buffers are transferred instead; none is lost or reordered', () => {
    const ring = createCaptureRing(format.sampleRate, format.channels, format.framesPerBuffer)!;
    const shared = processor({ ...format, ring: ring.options });
    const transferred = processor(format);
    let q = 0;
    for (const channels of quanta(60)) {
      shared.quantum(channels, q * 128);
      transferred.quantum(channels, q * 128);
      q++;
    }
    // Nothing was read: the 4 slots filled, then the processor fell back to transferring.
    expect(shared.posted.slice(0, 4)).toEqual([0, 1, 2, 3]);
    expect(shared.posted.slice(4).every((message) => typeof message === 'object')).toBe(true);
    const read = shared.posted.map((message) => {
      if (typeof message !== 'number') return { samples: message.samples, startFrame: message.startFrame };
      let copy: { samples: Float32Array; startFrame: number } | undefined;
      ring.read(message, (samples, startFrame) => (copy = { samples: samples.slice(), startFrame }));
      return copy!;
    });
    const expected = transferred.posted as { samples: Float32Array; startFrame: number }[];
    expect(read.map((buffer) => buffer.startFrame)).toEqual(expected.map((buffer) => buffer.startFrame));
    expect(read.map((buffer) => Array.from(buffer.samples))).toEqual(
      expected.map((buffer) => Array.from(buffer.samples)),
    );
  });

  test('a slot lent to a delivery is not written until it returns, however far the processor runs meanwhile', () => {
    const ring = createCaptureRing(format.sampleRate, format.channels, format.framesPerBuffer)!;
    const shared = processor({ ...format, ring: ring.options });
    const transferred = processor(format);
    const all = quanta(90);
    const next = () => {
      const channels = all.next().value!;
      shared.quantum(channels, q * 128);
      transferred.quantum(channels, q * 128);
      q++;
    };
    let q = 0;
    while (shared.posted.length === 0) next();
    const first = shared.posted.shift() as number;
    const delivered: { samples: number[]; startFrame: number }[] = [];
    const backlog: CaptureMessage[] = [];
    ring.read(first, (samples, startFrame) => {
      const before = Array.from(samples);
      // The audio thread goes on while the main thread is still in this delivery: many buffers,
      // more than the ring has slots.
      for (let i = 0; i < 40; i++) next();
      expect(Array.from(samples)).toEqual(before);
      delivered.push({ samples: before, startFrame });
      backlog.push(...shared.posted.splice(0));
    });
    // The 3 other slots were written, then (the lent slot still out) buffers were transferred.
    expect(backlog.slice(0, 3)).toEqual([1, 2, 3]);
    expect(backlog.length).toBeGreaterThan(3);
    expect(backlog.slice(3).every((message) => typeof message === 'object')).toBe(true);
    for (const message of backlog) {
      if (typeof message === 'number')
        ring.read(message, (samples, startFrame) => delivered.push({ samples: Array.from(samples), startFrame }));
      else delivered.push({ samples: Array.from(message.samples), startFrame: message.startFrame });
    }
    const expected = transferred.posted.map((message) => {
      if (typeof message === 'number') throw new Error('the transfer path posted a ring turn');
      return { samples: Array.from(message.samples), startFrame: message.startFrame };
    });
    expect(delivered).toEqual(expected);
  });
});
