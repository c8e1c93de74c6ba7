/**
 * The signal Chromium's fake capture device plays in micgate's tests: a sine of a known
 * frequency and level, long enough for the benchmark (the file loops seamlessly anyway:
 * it holds a whole number of cycles).
 */
export const FAKE_MICROPHONE = Object.freeze({
  frequency: 440,
  amplitude: 0.5,
  /** RMS of the sine: amplitude / √2. */
  rms: 0.5 / Math.SQRT2,
  sampleRate: 48_000,
  seconds: 120,
});
