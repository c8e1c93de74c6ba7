// Runs in the 'chromium:isolated' project: the page is served with COOP/COEP, so it is cross-origin
// isolated and capture hands the worklet a SharedArrayBuffer ring (capture-transfer.test.ts is the fallback).
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

  test('48 kHz mono, 1024-frame buffers: the tone, each buffer its own, posted as ring turns', async () => {
    expect(globalThis.crossOriginIsolated).toBe(true);
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia });
    const frames = await toneFrames(adapter.capture({ sampleRate: 48_000, channels: 1, framesPerBuffer: 1024 }), 40);
    expectTone(frames, 48_000, 1, 1024);
    expect(port.messages.length).toBeGreaterThanOrEqual(40);
    expect(port.messages.every((message) => typeof message === 'number')).toBe(true);
  });

  test('16 kHz stereo, 256-frame buffers: the tone on both channels through the ring', async () => {
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia });
    const frames = await toneFrames(adapter.capture({ sampleRate: 16_000, channels: 2, framesPerBuffer: 256 }), 40);
    expectTone(frames, 16_000, 2, 256, 0.9);
    expect(port.messages.every((message) => typeof message === 'number')).toBe(true);
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
        const { samples, startFrame } = ring.read(message as number);
        fromRing.push({ samples: Array.from(samples), startFrame });
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
    const read = shared.posted.map((message) =>
      typeof message === 'number' ? ring.read(message) : { samples: message.samples, startFrame: message.startFrame },
    );
    const expected = transferred.posted as { samples: Float32Array; startFrame: number }[];
    expect(read.map((buffer) => buffer.startFrame)).toEqual(expected.map((buffer) => buffer.startFrame));
    expect(read.map((buffer) => Array.from(buffer.samples))).toEqual(
      expected.map((buffer) => Array.from(buffer.samples)),
    );
  });
});
