import type { CaptureProcessorOptions } from './capture-worklet.js';

/** The main thread's side of the capture worklet's SharedArrayBuffer ring (layout: CaptureProcessorOptions.ring). */
export interface CaptureRing {
  /** What the processor is given. */
  readonly options: NonNullable<CaptureProcessorOptions['ring']>;
  /**
   * Hands `deliver` the buffer of ring turn `sequence` (what the processor posted) as a view into
   * its slot, then hands the slot back. The processor does not write that slot again until
   * `deliver` has returned (or thrown), so the samples hold still for the whole delivery.
   */
  read(sequence: number, deliver: (samples: Float32Array, startFrame: number) => void): void;
}

/** Enough slots for a second of audio: a main thread held up longer makes the processor transfer instead. */
const RING_SECONDS = 1;

/**
 * A ring when the page may share memory with its worklets (cross-origin isolated), else undefined
 * and the processor transfers a new buffer each time. Nothing is allocated or copied per buffer on
 * either thread: a delivered buffer is a view into the ring, valid during delivery only (the
 * contract's buffer rule: copy to keep). A main thread that falls a second behind loses nothing:
 * the processor transfers buffers of their own until slots are handed back.
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
  const views = Array.from(
    { length: slots },
    (_, slot) => new Float32Array(buffer, 8 + 8 * slots + 4 * length * slot, length),
  );
  return {
    options: { buffer, slots },
    read(sequence, deliver) {
      const slot = sequence % slots;
      try {
        deliver(views[slot]!, startFrames[slot]!);
      } finally {
        // Only now may the processor write the slot again (it writes turn n only while n - readCount < slots).
        Atomics.store(readCount, 0, sequence + 1);
      }
    },
  };
}
