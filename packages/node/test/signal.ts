/** Frequency of a clean sine from its rising zero crossings, interpolated between samples. */
export function estimateFrequency(samples: Float32Array, sampleRate: number): number {
  let first = -1;
  let last = -1;
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) {
    const before = samples[i - 1]!;
    const after = samples[i]!;
    if (before < 0 && after >= 0) {
      const at = i - 1 + before / (before - after);
      if (first < 0) first = at;
      last = at;
      crossings += 1;
    }
  }
  if (crossings < 2) return 0;
  return ((crossings - 1) * sampleRate) / (last - first);
}

/** Concatenate buffers. */
export function concat(buffers: Float32Array[]): Float32Array {
  const total = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
  const joined = new Float32Array(total);
  let offset = 0;
  for (const buffer of buffers) {
    joined.set(buffer, offset);
    offset += buffer.length;
  }
  return joined;
}

/** Every `channels`-th sample from `channel`. */
export function channel(samples: Float32Array, channels: number, index: number): Float32Array {
  const out = new Float32Array(Math.floor(samples.length / channels));
  for (let i = 0; i < out.length; i++) out[i] = samples[i * channels + index]!;
  return out;
}

export const monotonicSeconds = (): number => Number(process.hrtime.bigint()) / 1e9;
