/** The name the capture processor registers under in each AudioContext. */
export const CAPTURE_PROCESSOR_NAME = 'micgate-capture';

/**
 * What the processor posts for each full buffer: a buffer of its own, transferred (not copied),
 * or, with a shared ring, the buffer's sequence number in the ring (see capture-ring.ts).
 */
export type CaptureMessage =
  | {
      samples: Float32Array;
      /** Context frame index of the buffer's first frame. */
      startFrame: number;
    }
  | number;

export interface CaptureProcessorOptions {
  framesPerBuffer: number;
  channels: number;
  /**
   * A SharedArrayBuffer ring (cross-origin isolated pages): buffers are written into its slots
   * instead of a new Float32Array each. Layout: Int32 read count, then one Float64 start frame per
   * slot, then the slots' samples.
   */
  ring?: { buffer: SharedArrayBuffer; slots: number };
}

interface WorkletScope {
  AudioWorkletProcessor: new () => { readonly port: MessagePort };
  registerProcessor(name: string, processor: unknown): void;
  readonly currentFrame: number;
}

/**
 * Runs inside the AudioWorkletGlobalScope (it is shipped as source text, so it must not close
 * over anything). Copies each 128-frame render quantum once, interleaved, into the pending
 * buffer. A full buffer goes to the main thread: with a ring, as the number of its slot's turn
 * (no allocation on the audio thread); without one, or while every slot still waits to be read,
 * transferred, with a fresh buffer started.
 */
function defineCaptureProcessor(scope: WorkletScope, name: string): void {
  class CaptureProcessor extends scope.AudioWorkletProcessor {
    private readonly framesPerBuffer: number;
    private readonly channels: number;
    private batch: Float32Array | undefined;
    private filled = 0;
    private startFrame = 0;
    private running = true;
    private started = false;
    private readonly slots: number;
    private readonly readCount: Int32Array | undefined;
    private readonly startFrames: Float64Array | undefined;
    private readonly slotSamples: Float32Array[] = [];
    /** Buffers written into the ring so far; the slot of the next is written % slots. */
    private written = 0;
    /** The ring slot `batch` is, or -1 for a buffer of its own. */
    private slot = -1;

    constructor(options: { processorOptions: CaptureProcessorOptions }) {
      super();
      this.framesPerBuffer = options.processorOptions.framesPerBuffer;
      this.channels = options.processorOptions.channels;
      const ring = options.processorOptions.ring;
      this.slots = ring?.slots ?? 0;
      if (ring) {
        const length = this.framesPerBuffer * this.channels;
        this.readCount = new Int32Array(ring.buffer, 0, 2);
        this.startFrames = new Float64Array(ring.buffer, 8, ring.slots);
        for (let slot = 0; slot < ring.slots; slot++)
          this.slotSamples.push(new Float32Array(ring.buffer, 8 + 8 * ring.slots + 4 * length * slot, length));
      }
      this.port.onmessage = (event: MessageEvent) => {
        if (event.data === 'stop') this.running = false;
      };
    }

    /** The buffer the next frames go into: the ring's next slot when the main thread has read it. */
    private begin(): Float32Array {
      const length = this.framesPerBuffer * this.channels;
      if (this.readCount && this.written - Atomics.load(this.readCount, 0) < this.slots) {
        this.slot = this.written % this.slots;
        const samples = this.slotSamples[this.slot]!;
        samples.fill(0); // silent quanta and missing channels stay zero, as in a fresh buffer
        return samples;
      }
      this.slot = -1;
      return new Float32Array(length);
    }

    process(inputs: Float32Array[][]): boolean {
      if (!this.running) return false;
      const input = inputs[0];
      // No channels: the source has no data for this quantum. Before the first data that is
      // nothing; afterwards it is silence (the batch starts zeroed), so buffers stay contiguous.
      const silent = input === undefined || input.length === 0 || input[0] === undefined;
      if (silent && !this.started) return true;
      this.started = true;
      const quantum = silent ? 128 : input[0]!.length;
      const channels = this.channels;
      let offset = 0;
      while (offset < quantum) {
        if (this.filled === 0) {
          this.startFrame = scope.currentFrame + offset;
          this.batch = this.begin();
        }
        const batch = this.batch!;
        const take = Math.min(quantum - offset, this.framesPerBuffer - this.filled);
        if (silent) {
          // zeros already
        } else if (channels === 1) {
          batch.set(input[0]!.subarray(offset, offset + take), this.filled);
        } else {
          for (let c = 0; c < channels; c++) {
            const data = input![c];
            if (data === undefined) continue; // the batch starts zeroed
            let out = this.filled * channels + c;
            for (let i = offset; i < offset + take; i++) {
              batch[out] = data[i]!;
              out += channels;
            }
          }
        }
        this.filled += take;
        offset += take;
        if (this.filled === this.framesPerBuffer) {
          if (this.slot >= 0) {
            this.startFrames![this.slot] = this.startFrame;
            this.port.postMessage(this.written);
            this.written += 1;
          } else {
            this.port.postMessage({ samples: batch, startFrame: this.startFrame }, [batch.buffer]);
          }
          this.batch = undefined;
          this.filled = 0;
        }
      }
      return true;
    }
  }
  scope.registerProcessor(name, CaptureProcessor);
}

let blobUrl: string | undefined;

/** The processor module as JavaScript source, for `audioWorklet.addModule`. */
export function captureWorkletSource(): string {
  return `(${defineCaptureProcessor.toString()})(globalThis, ${JSON.stringify(CAPTURE_PROCESSOR_NAME)});\n`;
}

/** A blob: URL of the processor module, made once per page. */
export function captureWorkletUrl(): string {
  blobUrl ??= URL.createObjectURL(new Blob([captureWorkletSource()], { type: 'text/javascript' }));
  return blobUrl;
}
