import { InvalidArgumentError } from './errors.js';
import type { AudioFormat } from './types.js';

export const DEFAULT_FORMAT: Readonly<AudioFormat> = Object.freeze({
  sampleRate: 48_000,
  channels: 1,
  framesPerBuffer: 1024,
});

export const FORMAT_LIMITS = Object.freeze({
  sampleRate: { min: 8_000, max: 384_000 },
  channels: { min: 1, max: 32 },
  framesPerBuffer: { min: 16, max: 16_384 },
});

/** Fill in defaults and refuse anything outside the limits, naming the field. */
export function resolveFormat(requested: unknown = {}): AudioFormat {
  if (requested === null || typeof requested !== 'object' || Array.isArray(requested)) {
    throw new InvalidArgumentError('format', requested, 'an object');
  }
  const sampleRate = field(requested, 'sampleRate');
  const channels = field(requested, 'channels');
  const framesPerBuffer = field(requested, 'framesPerBuffer');
  const { sampleRate: rate, channels: ch, framesPerBuffer: fpb } = FORMAT_LIMITS;
  if (
    typeof sampleRate !== 'number' ||
    !Number.isFinite(sampleRate) ||
    sampleRate < rate.min ||
    sampleRate > rate.max
  ) {
    throw new InvalidArgumentError('sampleRate', sampleRate, `a finite number from ${rate.min} to ${rate.max}`);
  }
  if (!isIntegerIn(channels, ch)) {
    throw new InvalidArgumentError('channels', channels, `an integer from ${ch.min} to ${ch.max}`);
  }
  if (!isIntegerIn(framesPerBuffer, fpb)) {
    throw new InvalidArgumentError('framesPerBuffer', framesPerBuffer, `an integer from ${fpb.min} to ${fpb.max}`);
  }
  return { sampleRate, channels, framesPerBuffer };
}

/** Seconds one buffer of this format lasts. */
export function bufferDuration(format: AudioFormat): number {
  return format.framesPerBuffer / format.sampleRate;
}

function isIntegerIn(value: unknown, limits: { min: number; max: number }): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= limits.min && value <= limits.max;
}

/** A plain property read, as a user expects (inherited fields and getters count); undefined is the default. */
function field(requested: object, name: keyof AudioFormat): unknown {
  let value: unknown;
  try {
    value = (requested as Partial<Record<keyof AudioFormat, unknown>>)[name];
  } catch {
    throw new InvalidArgumentError(name, undefined, 'readable (its getter threw)');
  }
  return value === undefined ? DEFAULT_FORMAT[name] : value;
}
