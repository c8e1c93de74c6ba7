import { describe, expect, test } from 'vitest';
import { decodeWav, encodeWav, levelBar, measureLevel, MicgateError, wavHeader } from '../src/index.js';

function sineSamples(frequency: number, sampleRate: number, frames: number, amplitude: number, channels = 1) {
  const out = new Float32Array(frames * channels);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++)
      out[i * channels + c] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
  }
  return out;
}

describe('WAV', () => {
  test('pcm16 round trip keeps the signal within one quantisation step', () => {
    const samples = sineSamples(440, 48_000, 4_800, 0.5, 2);
    const file = encodeWav([samples.subarray(0, 3_000), samples.subarray(3_000)], { sampleRate: 48_000, channels: 2 });
    expect(file.length).toBe(44 + samples.length * 2);
    const decoded = decodeWav(file);
    expect(decoded).toMatchObject({ sampleRate: 48_000, channels: 2, sampleFormat: 'pcm16', frames: 4_800 });
    let worst = 0;
    for (let i = 0; i < samples.length; i++) worst = Math.max(worst, Math.abs(decoded.samples[i]! - samples[i]!));
    expect(worst).toBeLessThan(1 / 32_767);
  });

  test('float32 round trip is exact, and the header says so', () => {
    const samples = sineSamples(1_000, 16_000, 1_600, 0.9);
    const file = encodeWav([samples], { sampleRate: 16_000, channels: 1, sampleFormat: 'float32' });
    const view = new DataView(file.buffer);
    expect(view.getUint16(20, true)).toBe(3);
    expect(view.getUint16(34, true)).toBe(32);
    expect(view.getUint32(28, true)).toBe(16_000 * 4);
    expect(decodeWav(file).samples).toEqual(samples);
  });

  test('pcm16 clips out-of-range samples instead of wrapping', () => {
    const decoded = decodeWav(encodeWav([new Float32Array([2, -2, 1, -1])], { sampleRate: 8_000, channels: 1 }));
    expect([...decoded.samples].map((s) => Math.round(s * 1000) / 1000)).toEqual([1, -1, 1, -1]);
  });

  test('header sizes are what a player reads', () => {
    const header = wavHeader({ sampleRate: 44_100, channels: 1 }, 1_000);
    const view = new DataView(header.buffer);
    expect(String.fromCharCode(...header.subarray(0, 4))).toBe('RIFF');
    expect(view.getUint32(4, true)).toBe(1_036);
    expect(view.getUint32(40, true)).toBe(1_000);
    expect(() => wavHeader({ sampleRate: 44_100, channels: 1 }, -1)).toThrow(
      expect.objectContaining({ field: 'dataBytes' }),
    );
  });

  test('decodeWav refuses what is not a WAV file with a typed error', () => {
    expect(() => decodeWav(new Uint8Array([1, 2, 3]))).toThrow(MicgateError);
    const truncated = encodeWav([new Float32Array(10)], { sampleRate: 8_000, channels: 1 }).subarray(0, 30);
    expect(() => decodeWav(truncated)).toThrow(/no data chunk|fmt/);
  });
});

describe('measureLevel', () => {
  test('RMS and peak of a sine', () => {
    const level = measureLevel(sineSamples(1_000, 48_000, 48_000, 0.5));
    expect(level.rms).toBeCloseTo(0.5 / Math.SQRT2, 4);
    expect(level.peak).toBeCloseTo(0.5, 3);
    expect(level.dbfs).toBeCloseTo(20 * Math.log10(0.5 / Math.SQRT2), 2);
  });

  test('digital silence is -Infinity dBFS and an empty meter', () => {
    expect(measureLevel(new Float32Array(64))).toEqual({ rms: 0, peak: 0, dbfs: Number.NEGATIVE_INFINITY });
    expect(levelBar(Number.NEGATIVE_INFINITY, 10)).toBe('[----------]');
    expect(levelBar(0, 10)).toBe('[##########]');
    expect(levelBar(-30, 10)).toBe('[#####-----]');
  });
});
