export interface Level {
  /** Root mean square, 0…1 for full-scale audio. */
  rms: number;
  /** Largest absolute sample. */
  peak: number;
  /** RMS in dB relative to full scale; -Infinity for digital silence. */
  dbfs: number;
}

/** RMS and peak of interleaved samples (all channels together). */
export function measureLevel(samples: Float32Array): Level {
  let sumSquares = 0;
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    sumSquares += s * s;
    const magnitude = s < 0 ? -s : s;
    if (magnitude > peak) peak = magnitude;
  }
  const rms = samples.length === 0 ? 0 : Math.sqrt(sumSquares / samples.length);
  return { rms, peak, dbfs: rms === 0 ? Number.NEGATIVE_INFINITY : 20 * Math.log10(rms) };
}

/** How full a meter is, 0…1, for dBFS from `floorDb` (default -60) to 0; silence is 0. */
export function levelFraction(dbfs: number, floorDb = -60): number {
  return Number.isFinite(dbfs) ? Math.min(1, Math.max(0, (dbfs - floorDb) / -floorDb)) : 0;
}

/** A text meter such as `[######------]` for dBFS from `floorDb` (default -60) to 0. */
export function levelBar(dbfs: number, width = 30, floorDb = -60): string {
  const fraction = levelFraction(dbfs, floorDb);
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}
