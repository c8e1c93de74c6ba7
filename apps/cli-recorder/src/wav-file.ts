import { closeSync, openSync, writeSync } from 'node:fs';
import { encodeWavSamples, type WavFormat, wavHeader } from '@micgate/core';

const HEADER_REFRESH_MS = 1000;

/**
 * A WAV file written as the audio arrives. The header is rewritten about once a second and on
 * `finish()`, so a file cut short (Ctrl-C, a crash) still opens in players with what it holds.
 */
export class WavFileWriter {
  readonly path: string;
  private readonly format: WavFormat;
  private fd: number | undefined;
  private dataBytes = 0;
  private headerWrittenAt = Date.now();

  constructor(path: string, format: WavFormat) {
    this.path = path;
    this.format = format;
    this.fd = openSync(path, 'w', 0o644);
    writeSync(this.fd, wavHeader(format, 0), 0, undefined, 0);
  }

  /** Append interleaved samples (pcm16). */
  append(samples: Float32Array): void {
    if (this.fd === undefined) return;
    const bytes = encodeWavSamples(samples, 'pcm16');
    writeSync(this.fd, bytes, 0, bytes.length, 44 + this.dataBytes);
    this.dataBytes += bytes.length;
    if (Date.now() - this.headerWrittenAt >= HEADER_REFRESH_MS) this.writeHeader();
  }

  /** Write the final header and close; safe to call twice. */
  finish(): void {
    if (this.fd === undefined) return;
    this.writeHeader();
    closeSync(this.fd);
    this.fd = undefined;
  }

  private writeHeader(): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, wavHeader(this.format, this.dataBytes), 0, 44, 0);
    this.headerWrittenAt = Date.now();
  }
}
