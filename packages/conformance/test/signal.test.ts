import { describe, expect, test } from 'vitest';
import { channelOf, concat, estimateFrequency, gapsIn, measureTone, type Received } from '../src/index.js';

function sine(frequency: number, sampleRate: number, seconds: number, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round(sampleRate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate + 0.3);
  return out;
}

describe('the suite’s measurements', () => {
  test.each([
    [440, 48_000],
    [1_000, 44_100],
    [97.3, 8_000],
  ])('estimateFrequency finds %d Hz at %d Hz sampling within 0.05%', (frequency, sampleRate) => {
    expect(
      Math.abs(estimateFrequency(sine(frequency, sampleRate, 1), sampleRate) - frequency) / frequency,
    ).toBeLessThan(0.0005);
  });

  test('estimateFrequency says NaN, not a number, for silence', () => {
    expect(estimateFrequency(new Float32Array(1_000), 48_000)).toBeNaN();
  });

  test('measureTone ignores a short dropout that fools a whole-signal estimate', () => {
    const tone = sine(440, 48_000, 1.2);
    tone.fill(0, 14_000, 14_480); // 10 ms gap, as a device start-up glitch
    for (let i = 14_480; i < 14_500; i++) tone[i] = i % 2 === 0 ? 0.4 : -0.4; // ringing edge
    expect(Math.abs(estimateFrequency(tone, 48_000) - 440)).toBeGreaterThan(4);
    const { frequency, rms } = measureTone(tone, 48_000);
    expect(Math.abs(frequency - 440) / 440).toBeLessThan(0.001);
    expect(rms).toBeCloseTo(0.5 / Math.SQRT2, 2);
  });

  test('channelOf and concat', () => {
    expect([...channelOf(new Float32Array([1, 2, 3, 4, 5, 6]), 2, 1)]).toEqual([2, 4, 6]);
    expect([...concat([new Float32Array([1]), new Float32Array([2, 3])])]).toEqual([1, 2, 3]);
  });

  test('gapsIn reports a gap and an overlap, and nothing for a continuous stream', () => {
    const at = (position: number, frames = 10) => ({ position, frames }) as Received;
    expect(gapsIn([at(0), at(10), at(20)])).toEqual([]);
    expect(gapsIn([at(0), at(20)])).toEqual(['expected position 10, got 20']);
    expect(gapsIn([at(0), at(5)])).toEqual(['expected position 10, got 5']);
  });
});
