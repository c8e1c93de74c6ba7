import type { CaptureProcessorOptions } from './capture-worklet.js';

/** The main thread's side of the capture worklet's SharedArrayBuffer ring (layout: CaptureProcessorOptions.ring). */
export interface CaptureRing {
  /** What the processor is given. */
  readonly options: NonNullable<CaptureProcessorOptions['ring']>;
  /** The buffer of ring turn `sequence` (what the processor posted), copied out; its slot is handed back. */
  read(sequence: number): { samples: Float32Array; startFrame: number };
}

/** Enough slots for a second of audio: a main thread held up longer makes the processor transfer instead. */
const RING_SECONDS = 1;

/**
 * A ring when the page may share memory with its worklets (cross-origin isolated), else undefined
 * and the processor transfers a new buffer each time. Each delivered buffer is still a Float32Array
 * of its own on the main thread (subscribers may keep or transfer it); what the ring saves is the
 * allocation and the transfer on the audio thread.
 */
export function createCaptureRing(
  sampleRate: number,
  channels: number,
  framesPerBuffer: number,
): CaptureRing | undefined {
  if (globalThis.crossOriginIsolated !== true || typeof SharedArrayBuffer !== 'function') return undefined;
  const slots = Math.max(4, Math.ceil((RING_SECONDS * sampleRate) / framesPerBuffer));
  const length = framesPerBuffer * channels;
  const buffer = new SharedArrayBuffer(8 + 8 * slots + 4 * length * slots);
  const readCount = new Int32Array(buffer, 0, 2);
  const startFrames = new Float64Array(buffer, 8, slots);
  const samples = new Float32Array(buffer, 8 + 8 * slots, length * slots);
  return {
    options: { buffer, slots },
    read(sequence) {
      const slot = sequence % slots;
      const copy = samples.slice(slot * length, (slot + 1) * length);
      const startFrame = startFrames[slot]!;
      Atomics.store(readCount, 0, sequence + 1); // the slot may be written again
      return { samples: copy, startFrame };
    },
  };
}
