import { InvalidArgumentError, MicgateError } from './errors.js';

export type WavSampleFormat = 'pcm16' | 'float32';

export interface WavFormat {
  sampleRate: number;
  channels: number;
  /** 'pcm16' (default, plays everywhere) or 'float32' (lossless). */
  sampleFormat?: WavSampleFormat;
}

export interface DecodedWav {
  sampleRate: number;
  channels: number;
  sampleFormat: WavSampleFormat;
  /** Interleaved samples in -1…1. */
  samples: Float32Array;
  frames: number;
}

const HEADER_BYTES = 44;

function bytesPerSample(format: WavSampleFormat): number {
  return format === 'pcm16' ? 2 : 4;
}

/** The 44-byte RIFF header for `dataBytes` of sample data. Write it first with 0, then again at the end. */
export function wavHeader(format: WavFormat, dataBytes: number): Uint8Array {
  const sampleFormat = format.sampleFormat ?? 'pcm16';
  const width = bytesPerSample(sampleFormat);
  if (!Number.isInteger(dataBytes) || dataBytes < 0 || dataBytes > 0xffff_ffff - 36) {
    throw new InvalidArgumentError('dataBytes', dataBytes, 'a whole number of bytes a WAV file can hold (under 4 GiB)');
  }
  const header = new Uint8Array(HEADER_BYTES);
  const view = new DataView(header.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) header[offset + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, sampleFormat === 'pcm16' ? 1 : 3, true);
  view.setUint16(22, format.channels, true);
  view.setUint32(24, format.sampleRate, true);
  view.setUint32(28, format.sampleRate * format.channels * width, true);
  view.setUint16(32, format.channels * width, true);
  view.setUint16(34, width * 8, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  return header;
}

/** Sample data bytes (little-endian) for interleaved samples; pcm16 clips to -1…1. */
export function encodeWavSamples(samples: Float32Array, sampleFormat: WavSampleFormat = 'pcm16'): Uint8Array {
  const out = new Uint8Array(samples.length * bytesPerSample(sampleFormat));
  const view = new DataView(out.buffer);
  if (sampleFormat === 'float32') {
    for (let i = 0; i < samples.length; i++) view.setFloat32(i * 4, samples[i]!, true);
    return out;
  }
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    view.setInt16(i * 2, s < 0 ? Math.round(s * 0x8000) : Math.round(s * 0x7fff), true);
  }
  return out;
}

/** A whole WAV file from chunks of interleaved samples (e.g. the `samples` of recorded frames). */
export function encodeWav(chunks: Iterable<Float32Array>, format: WavFormat): Uint8Array {
  const sampleFormat = format.sampleFormat ?? 'pcm16';
  const encoded = [...chunks].map((chunk) => encodeWavSamples(chunk, sampleFormat));
  const dataBytes = encoded.reduce((sum, part) => sum + part.length, 0);
  const file = new Uint8Array(HEADER_BYTES + dataBytes);
  file.set(wavHeader(format, dataBytes), 0);
  let offset = HEADER_BYTES;
  for (const part of encoded) {
    file.set(part, offset);
    offset += part.length;
  }
  return file;
}

/** Read a PCM16 or float32 WAV (as written by encodeWav, sox or a browser). */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    throw new MicgateError('ERR_MICGATE_BAD_WAV', 'not a RIFF/WAVE file');
  }
  let offset = 12;
  let fmt: { code: number; channels: number; sampleRate: number; bits: number } | undefined;
  while (offset + 8 <= bytes.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length)
        throw new MicgateError('ERR_MICGATE_BAD_WAV', 'WAV fmt chunk is truncated');
      let code = view.getUint16(body, true);
      if (code === 0xfffe && size >= 26) code = view.getUint16(body + 24, true); // WAVE_FORMAT_EXTENSIBLE
      fmt = {
        code,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt) throw new MicgateError('ERR_MICGATE_BAD_WAV', 'WAV data chunk before its fmt chunk');
      const sampleFormat: WavSampleFormat | undefined =
        fmt.code === 1 && fmt.bits === 16 ? 'pcm16' : fmt.code === 3 && fmt.bits === 32 ? 'float32' : undefined;
      if (!sampleFormat)
        throw new MicgateError('ERR_MICGATE_BAD_WAV', `unsupported WAV encoding ${fmt.code}/${fmt.bits}-bit`);
      const width = bytesPerSample(sampleFormat);
      const available = Math.min(size, bytes.length - body);
      const count = Math.floor(available / width);
      const samples = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        samples[i] =
          sampleFormat === 'pcm16' ? view.getInt16(body + i * 2, true) / 0x8000 : view.getFloat32(body + i * 4, true);
      }
      return {
        sampleRate: fmt.sampleRate,
        channels: fmt.channels,
        sampleFormat,
        samples,
        frames: Math.floor(count / fmt.channels),
      };
    }
    offset = body + size + (size % 2);
  }
  throw new MicgateError('ERR_MICGATE_BAD_WAV', 'WAV file has no data chunk');
}
