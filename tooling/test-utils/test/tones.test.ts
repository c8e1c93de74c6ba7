import { expect, test } from 'vitest';
import { dominantFrequency, sineWave } from '../src/index.js';

test('sineWave writes the same tone to every channel, at the asked level', () => {
  const stereo = sineWave(440, 48_000, 0.5, { channels: 2, amplitude: 0.25 });
  expect(stereo).toHaveLength(48_000);
  for (let i = 0; i < stereo.length; i += 2) expect(stereo[i]).toBe(stereo[i + 1]);
  expect(Math.max(...stereo)).toBeCloseTo(0.25, 3);
});

test('dominantFrequency finds the tone of the first channel despite a dropout', () => {
  const tone = sineWave(1_000, 48_000, 1, { channels: 2 });
  tone.fill(0, 20_000, 21_000);
  expect(dominantFrequency(tone, 48_000, { channels: 2 })).toBeCloseTo(1_000, 0);
});
