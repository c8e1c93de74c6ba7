import { measureLevel } from '@micgate/core';

/** Channel `channel` of interleaved samples. */
export function channelOf(samples: Float32Array, channels: number, channel = 0): Float32Array {
  if (channels === 1) return samples;
  const out = new Float32Array(Math.floor(samples.length / channels));
  for (let i = 0; i < out.length; i++) out[i] = samples[i * channels + channel]!;
  return out;
}

/**
 * Frequency of a clean tone from its rising zero crossings, interpolated between samples.
 * Accurate to well under 0.1% for a second of a sine; NaN when there are fewer than two crossings.
 */
export function estimateFrequency(mono: Float32Array, sampleRate: number): number {
  let first = Number.NaN;
  let last = Number.NaN;
  let crossings = 0;
  for (let i = 1; i < mono.length; i++) {
    const before = mono[i - 1]!;
    const after = mono[i]!;
    if (before < 0 && after >= 0) {
      const at = i - 1 + before / (before - after);
      if (crossings === 0) first = at;
      last = at;
      crossings++;
    }
  }
  if (crossings < 2) return Number.NaN;
  return ((crossings - 1) * sampleRate) / (last - first);
}

/** Join buffers into one array. */
export function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Frequency and RMS of a steady tone, robust to a short glitch (a device's start-up gap, a dropped
 * buffer): the median over windows of `windowSeconds`.
 */
export function measureTone(
  mono: Float32Array,
  sampleRate: number,
  windowSeconds = 0.1,
): { frequency: number; rms: number } {
  const size = Math.max(2, Math.round(sampleRate * windowSeconds));
  const frequencies: number[] = [];
  const levels: number[] = [];
  for (let start = 0; start + size <= mono.length; start += size) {
    const window = mono.subarray(start, start + size);
    frequencies.push(estimateFrequency(window, sampleRate));
    levels.push(measureLevel(window).rms);
  }
  return { frequency: median(frequencies.filter(Number.isFinite)), rms: median(levels) };
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
