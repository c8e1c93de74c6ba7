import { channelOf, measureTone } from '@micgate/conformance';

/** An interleaved sine, the same on every channel: a test input of known frequency and level. */
export function sineWave(
  frequency: number,
  sampleRate: number,
  seconds: number,
  options: { amplitude?: number; channels?: number; phase?: number } = {},
): Float32Array {
  const { amplitude = 0.5, channels = 1, phase = 0 } = options;
  const frames = Math.round(sampleRate * seconds);
  const out = new Float32Array(frames * channels);
  for (let i = 0; i < frames; i++) {
    const value = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate + phase);
    for (let c = 0; c < channels; c++) out[i * channels + c] = value;
  }
  return out;
}

/**
 * The frequency of a tone in the first channel: the median over short windows (50 ms by default),
 * so a dropout of a virtual source on a loaded machine does not skew it.
 */
export function dominantFrequency(samples: Float32Array, sampleRate: number, options: { channels?: number; windowSeconds?: number } = {}): number {
  return measureTone(channelOf(samples, options.channels ?? 1), sampleRate, options.windowSeconds ?? 0.05).frequency;
}
