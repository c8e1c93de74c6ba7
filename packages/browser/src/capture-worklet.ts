/** The name the capture processor registers under in each AudioContext. */
export const CAPTURE_PROCESSOR_NAME = 'micgate-capture';

/** What the processor posts for each full buffer. `samples` is transferred, not copied. */
export interface CaptureMessage {
  samples: Float32Array;
  /** Context frame index of the buffer's first frame. */
  startFrame: number;
}

export interface CaptureProcessorOptions {
  framesPerBuffer: number;
  channels: number;
}

interface WorkletScope {
  AudioWorkletProcessor: new () => { readonly port: MessagePort };
  registerProcessor(name: string, processor: unknown): void;
  readonly currentFrame: number;
}

/**
 * Runs inside the AudioWorkletGlobalScope (it is shipped as source text, so it must not close
 * over anything). Copies each 128-frame render quantum once, interleaved, into the pending
 * buffer; a full buffer is transferred to the main thread and a fresh one started.
 */
function defineCaptureProcessor(scope: WorkletScope, name: string): void {
  class CaptureProcessor extends scope.AudioWorkletProcessor {
    private readonly framesPerBuffer: number;
    private readonly channels: number;
    private batch: Float32Array;
    private filled = 0;
    private startFrame = 0;
    private running = true;
    private started = false;

    constructor(options: { processorOptions: CaptureProcessorOptions }) {
      super();
      this.framesPerBuffer = options.processorOptions.framesPerBuffer;
      this.channels = options.processorOptions.channels;
      this.batch = new Float32Array(this.framesPerBuffer * this.channels);
      this.port.onmessage = (event: MessageEvent) => {
        if (event.data === 'stop') this.running = false;
      };
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
        if (this.filled === 0) this.startFrame = scope.currentFrame + offset;
        const take = Math.min(quantum - offset, this.framesPerBuffer - this.filled);
        if (silent) {
          // zeros already
        } else if (channels === 1) {
          this.batch.set(input[0]!.subarray(offset, offset + take), this.filled);
        } else {
          for (let c = 0; c < channels; c++) {
            const data = input![c];
            if (data === undefined) continue; // the batch starts zeroed
            let out = this.filled * channels + c;
            for (let i = offset; i < offset + take; i++) {
              this.batch[out] = data[i]!;
              out += channels;
            }
          }
        }
        this.filled += take;
        offset += take;
        if (this.filled === this.framesPerBuffer) {
          const samples = this.batch;
          this.port.postMessage({ samples, startFrame: this.startFrame }, [samples.buffer]);
          this.batch = new Float32Array(this.framesPerBuffer * channels);
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
