import { type AudioFrame, decodeWav } from '@micgate/core';
import { describe, expect, it } from 'vitest';
import { createTake, takeFileName } from '../src/take.js';

function frame(samples: Float32Array, gated: boolean, position: number): AudioFrame {
  return { samples, frames: samples.length, sampleRate: 48_000, channels: 1, position, time: position / 48_000, gated };
}

describe('a take', () => {
  it('keeps silence and device audio in order and saves them as a WAV that decodes back', () => {
    const take = createTake({ sampleRate: 48_000, channels: 1 });
    const shared = new Float32Array(1024);
    take.add(frame(shared, true, 0));
    shared[0] = 0.9; // the session reuses its zero buffer: the take must not see this
    const sine = Float32Array.from({ length: 1024 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 48_000));
    take.add(frame(sine, false, 1024));
    expect(take.seconds).toBeCloseTo(2048 / 48_000, 9);
    expect(take.deviceSeconds).toBeCloseTo(1024 / 48_000, 9);
    const decoded = decodeWav(take.toWav());
    expect(decoded).toMatchObject({ sampleRate: 48_000, channels: 1, frames: 2048 });
    expect(decoded.samples.subarray(0, 1024).every((sample) => sample === 0)).toBe(true);
    expect(Math.max(...decoded.samples.subarray(1024))).toBeCloseTo(0.5, 3);
  });

  it('refuses a frame of another format', () => {
    const take = createTake({ sampleRate: 48_000, channels: 1 });
    expect(() => take.add({ ...frame(new Float32Array(2048), false, 0), channels: 2, frames: 1024 })).toThrow(
      /does not belong/,
    );
  });

  it('names files from the start time, without characters file systems refuse', () => {
    expect(takeFileName(new Date('2026-11-26T14:03:05.123Z'))).toBe('recording-2026-11-26T14-03-05.wav');
  });
});
