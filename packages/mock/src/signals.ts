import { InvalidArgumentError } from '@micgate/core';

/** A mono source the synthetic microphone plays; every channel gets the same sample. */
export interface MockSignal {
  /** The sample at absolute frame index `frame` of a stream running at `sampleRate`. */
  sampleAt(frame: number, sampleRate: number): number;
  readonly description: string;
}

export function sine(frequency: number, amplitude = 0.5): MockSignal {
  if (!Number.isFinite(frequency) || frequency <= 0)
    throw new InvalidArgumentError('frequency', frequency, 'a positive number of Hz');
  checkAmplitude(amplitude);
  return {
    description: `sine ${frequency} Hz at amplitude ${amplitude}`,
    sampleAt: (frame, sampleRate) => amplitude * Math.sin((2 * Math.PI * frequency * frame) / sampleRate),
  };
}

/** Deterministic white noise (a small LCG hashed by frame index, so any frame can be asked for). */
export function noise(amplitude = 0.5, seed = 1): MockSignal {
  checkAmplitude(amplitude);
  return {
    description: `noise at amplitude ${amplitude}`,
    sampleAt: (frame) => {
      let x = (Math.imul(frame + 1, 0x9e3779b1) ^ Math.imul(seed, 0x85ebca6b)) >>> 0;
      x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) >>> 0;
      x = (x ^ (x >>> 12)) >>> 0;
      return amplitude * ((x / 0xffff_ffff) * 2 - 1);
    },
  };
}

/** Plays `samples` (mono) and then silence, or loops them. */
export function fromSamples(samples: Float32Array, options: { loop?: boolean } = {}): MockSignal {
  if (!(samples instanceof Float32Array)) throw new InvalidArgumentError('samples', samples, 'a Float32Array');
  return {
    description: `${samples.length} supplied samples${options.loop ? ', looped' : ''}`,
    sampleAt: (frame) => {
      if (samples.length === 0) return 0;
      const index = options.loop ? frame % samples.length : frame;
      return samples[index] ?? 0;
    },
  };
}

export const silence: MockSignal = { description: 'silence', sampleAt: () => 0 };

function checkAmplitude(amplitude: number): void {
  if (!Number.isFinite(amplitude) || amplitude < 0 || amplitude > 1) {
    throw new InvalidArgumentError('amplitude', amplitude, 'a number from 0 to 1');
  }
}
