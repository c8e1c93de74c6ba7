import { InvalidArgumentError, MicgateError } from './errors.js';
import type { WavFormat, WavSampleFormat } from './wav.js';
import { wavHeader } from './wav.js';

/** Where a streaming WAV goes: a file descriptor, a memory buffer, an OPFS handle… */
export interface WavSink {
  /**
   * Write `bytes` at byte `position`; return how many were written. Fewer than asked means the
   * medium is full (a short write); throwing means nothing of this call was written.
   */
  write(bytes: Uint8Array, position: number): number;
  /** Cut the sink to `length` bytes; used to drop a partial sample frame after a short write. */
  truncate?(length: number): void;
}

/** RIFF sizes are 32-bit: the data chunk holds at most this many bytes. */
export const WAV_MAX_DATA_BYTES = 0xffff_ffff - 36;
const HEADER_BYTES = 44;

/** The take would pass the 4 GiB a WAV file can hold; nothing of the refused samples was written. */
export class WavTooLargeError extends MicgateError {
  readonly dataBytes: number;
  constructor(dataBytes: number, adding: number, limit: number) {
    super(
      'ERR_MICGATE_WAV_TOO_LARGE',
      `the WAV file may hold ${limit} bytes of samples: it has ${dataBytes}, and ${adding} more would pass that`,
    );
    this.dataBytes = dataBytes;
  }
}

/** The sink took fewer bytes than given (a full disk) or failed; the header counts what it holds. */
export class WavWriteError extends MicgateError {
  /** Sample bytes the file holds and its header counts. */
  readonly dataBytes: number;
  constructor(message: string, dataBytes: number, options?: ErrorOptions) {
    super('ERR_MICGATE_WAV_WRITE', message, options);
    this.dataBytes = dataBytes;
  }
}

export interface WavWriterOptions {
  /** Refuse appends past this many bytes of samples; at most (and by default) `WAV_MAX_DATA_BYTES`. */
  maxDataBytes?: number;
}

export interface WavWriter {
  readonly maxDataBytes: number;
  /** Sample bytes written and counted by the header. */
  readonly dataBytes: number;
  /** Sample frames written (all channels of one instant count as one). */
  readonly frames: number;
  /**
   * Append interleaved samples, then patch the header, so the file is a complete WAV after every
   * call (a killed process loses at most what the OS had not written). Throws `WavTooLargeError`
   * (nothing written) or `WavWriteError` (the whole frames that fit are kept and counted).
   */
  append(samples: Float32Array): void;
  /** No more appends; the header is already current. Safe to call twice. */
  finish(): void;
}

/**
 * A WAV written as the audio arrives. The header is patched after every append: one 44-byte
 * write per buffer (see apps/cli-recorder/bench/header-cost.ts for what that costs).
 */
export function createWavWriter(sink: WavSink, format: WavFormat, options: WavWriterOptions = {}): WavWriter {
  const maxDataBytes = options.maxDataBytes ?? WAV_MAX_DATA_BYTES;
  if (!Number.isInteger(maxDataBytes) || maxDataBytes < 0 || maxDataBytes > WAV_MAX_DATA_BYTES) {
    throw new InvalidArgumentError(
      'maxDataBytes',
      maxDataBytes,
      `a whole number of bytes from 0 to ${WAV_MAX_DATA_BYTES} (the RIFF limit)`,
    );
  }
  const sampleFormat: WavSampleFormat = format.sampleFormat ?? 'pcm16';
  const width = sampleFormat === 'pcm16' ? 2 : 4;
  const blockAlign = format.channels * width;
  const header = wavHeader(format, 0); // validates the format; patched in place afterwards
  const headerView = new DataView(header.buffer);
  let scratch = new Uint8Array(0);
  let dataBytes = 0;
  let finished = false;

  const writeHeader = () => {
    headerView.setUint32(4, 36 + dataBytes, true);
    headerView.setUint32(40, dataBytes, true);
    const wrote = sink.write(header, 0);
    if (wrote !== HEADER_BYTES)
      throw new WavWriteError(`the WAV header could not be written: ${wrote} of ${HEADER_BYTES} bytes`, dataBytes);
  };
  // A short write left a partial frame (or less): cut it off, count whole frames only.
  const keepWholeFrames = (bytesOnSink: number, cause: unknown): never => {
    const kept = bytesOnSink - (bytesOnSink % blockAlign);
    if (kept !== bytesOnSink) sink.truncate?.(HEADER_BYTES + dataBytes + kept);
    dataBytes += kept;
    writeHeader();
    throw new WavWriteError(
      `the disk is full or the file reached its size limit: ${dataBytes} bytes of samples were saved`,
      dataBytes,
      { cause },
    );
  };

  writeHeader();
  return {
    maxDataBytes,
    get dataBytes() {
      return dataBytes;
    },
    get frames() {
      return dataBytes / blockAlign;
    },
    append(samples) {
      if (finished) throw new MicgateError('ERR_MICGATE_WAV_FINISHED', 'the WAV writer is finished');
      if (samples.length % format.channels !== 0) {
        throw new MicgateError(
          'ERR_MICGATE_WAV_PARTIAL_FRAME',
          `${samples.length} samples are not whole frames of ${format.channels} channels`,
        );
      }
      const length = samples.length * width;
      if (length === 0) return;
      if (dataBytes + length > maxDataBytes) throw new WavTooLargeError(dataBytes, length, maxDataBytes);
      if (scratch.length < length) scratch = new Uint8Array(length);
      const bytes = scratch.subarray(0, length);
      encodeInto(bytes, samples, sampleFormat);
      let wrote: number;
      try {
        wrote = sink.write(bytes, HEADER_BYTES + dataBytes);
      } catch (error) {
        return keepWholeFrames(0, error);
      }
      if (wrote < length) keepWholeFrames(wrote, undefined);
      dataBytes += length;
      writeHeader();
    },
    finish() {
      finished = true;
    },
  };
}

function encodeInto(out: Uint8Array, samples: Float32Array, sampleFormat: WavSampleFormat): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (sampleFormat === 'float32') {
    for (let i = 0; i < samples.length; i++) view.setFloat32(i * 4, samples[i]!, true);
    return;
  }
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    view.setInt16(i * 2, s < 0 ? Math.round(s * 0x8000) : Math.round(s * 0x7fff), true);
  }
}
