import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { createWavWriter, type WavFormat, type WavWriter } from '@micgate/core';

export interface WavFile extends WavWriter {
  readonly path: string;
  /** Close the file; the header is already current (core's writer patches it after every append). */
  close(): void;
}

/**
 * A WAV file streamed to disk with core's writer. `writeSync` may write fewer bytes than asked
 * (a full disk, `ulimit -f`): the writer then keeps whole frames and a header that counts them.
 * Without `force` an existing file is never replaced (`wx`), even one created after the check.
 */
export function openWavFile(path: string, format: WavFormat, options: { force: boolean }): WavFile {
  const fd = openSync(path, options.force ? 'w' : 'wx', 0o644);
  let open = true;
  let writer: WavWriter;
  try {
    writer = createWavWriter(
      {
        write: (bytes, position) => writeSync(fd, bytes, 0, bytes.length, position),
        truncate: (length) => ftruncateSync(fd, length),
      },
      format,
    );
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return {
    path,
    maxDataBytes: writer.maxDataBytes,
    get dataBytes() {
      return writer.dataBytes;
    },
    get frames() {
      return writer.frames;
    },
    append: (samples) => writer.append(samples),
    finish: () => writer.finish(),
    close() {
      writer.finish();
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
