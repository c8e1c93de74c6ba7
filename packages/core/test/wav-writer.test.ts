import { describe, expect, test } from 'vitest';
import {
  createWavWriter,
  decodeWav,
  encodeWav,
  MicgateError,
  WAV_MAX_DATA_BYTES,
  WavTooLargeError,
  type WavSink,
  WavWriteError,
} from '../src/index.js';

/** A growable in-memory file; `capacity` plays a disk that fills up. */
function memorySink(capacity = Number.POSITIVE_INFINITY) {
  let bytes = new Uint8Array(0);
  const sink: WavSink & { readonly bytes: Uint8Array; writes: number } = {
    writes: 0,
    get bytes() {
      return bytes;
    },
    write(chunk, position) {
      sink.writes++;
      const fits = Math.max(0, Math.min(chunk.length, capacity - position));
      if (fits === 0 && chunk.length > 0)
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      if (position + fits > bytes.length) {
        const grown = new Uint8Array(position + fits);
        grown.set(bytes);
        bytes = grown;
      }
      bytes.set(chunk.subarray(0, fits), position);
      return fits;
    },
    truncate(length) {
      bytes = bytes.slice(0, length);
    },
  };
  return sink;
}

const dataSize = (file: Uint8Array) => new DataView(file.buffer, file.byteOffset).getUint32(40, true);
const riffSize = (file: Uint8Array) => new DataView(file.buffer, file.byteOffset).getUint32(4, true);
const ramp = (n: number) => Float32Array.from({ length: n }, (_, i) => ((i % 200) - 100) / 128);

describe('createWavWriter', () => {
  test('writes the same bytes as encodeWav, and the header is current after every append', () => {
    const sink = memorySink();
    const writer = createWavWriter(sink, { sampleRate: 16_000, channels: 2 });
    expect(sink.bytes.length).toBe(44);
    expect(dataSize(sink.bytes)).toBe(0);
    const chunks = [ramp(320), ramp(6), ramp(1000)];
    for (const chunk of chunks) {
      writer.append(chunk);
      expect(dataSize(sink.bytes)).toBe(sink.bytes.length - 44);
      expect(riffSize(sink.bytes)).toBe(sink.bytes.length - 8);
    }
    writer.finish();
    expect(writer.frames).toBe(663);
    expect(sink.bytes).toEqual(encodeWav(chunks, { sampleRate: 16_000, channels: 2 }));
  });

  test('float32 takes are exact', () => {
    const sink = memorySink();
    const writer = createWavWriter(sink, { sampleRate: 8_000, channels: 1, sampleFormat: 'float32' });
    const samples = ramp(333);
    writer.append(samples);
    expect(decodeWav(sink.bytes).samples).toEqual(samples);
  });

  test('a short write (a full disk) keeps whole frames, cuts the partial one, and the header counts exactly that', () => {
    // 44 + 1000 bytes fit: 250 stereo pcm16 frames; the write that crosses it is short by a partial frame.
    const sink = memorySink(44 + 1_002);
    const writer = createWavWriter(sink, { sampleRate: 48_000, channels: 2 });
    writer.append(ramp(400)); // 800 bytes
    let caught: unknown;
    try {
      writer.append(ramp(400));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WavWriteError);
    expect(caught).toBeInstanceOf(MicgateError);
    expect((caught as WavWriteError).code).toBe('ERR_MICGATE_WAV_WRITE');
    expect((caught as WavWriteError).dataBytes).toBe(1_000);
    expect(sink.bytes.length).toBe(44 + 1_000);
    expect(dataSize(sink.bytes)).toBe(1_000);
    expect(decodeWav(sink.bytes).frames).toBe(250);
    expect(writer.frames).toBe(250);
  });

  test('a write that fails outright (ENOSPC thrown) leaves the header counting what was there', () => {
    const sink = memorySink(44 + 800);
    const writer = createWavWriter(sink, { sampleRate: 48_000, channels: 1 });
    writer.append(ramp(400));
    expect(() => writer.append(ramp(10))).toThrow(WavWriteError);
    expect(dataSize(sink.bytes)).toBe(800);
    expect(sink.bytes.length).toBe(844);
  });

  test('refuses to pass its limit with a typed error, writing nothing of it; the limit is the RIFF one and no more', () => {
    const sink = memorySink();
    const writer = createWavWriter(sink, { sampleRate: 48_000, channels: 1 }, { maxDataBytes: 1_000 });
    writer.append(ramp(400));
    expect(() => writer.append(ramp(101))).toThrow(WavTooLargeError);
    expect(() => writer.append(ramp(101))).toThrow(
      expect.objectContaining({ code: 'ERR_MICGATE_WAV_TOO_LARGE', dataBytes: 800 }),
    );
    expect(sink.bytes.length).toBe(844);
    expect(dataSize(sink.bytes)).toBe(800);
    writer.append(ramp(100)); // exactly to the limit
    expect(dataSize(sink.bytes)).toBe(1_000);

    expect(createWavWriter(memorySink(), { sampleRate: 48_000, channels: 1 }).maxDataBytes).toBe(WAV_MAX_DATA_BYTES);
    expect(WAV_MAX_DATA_BYTES).toBe(2 ** 32 - 1 - 36);
    expect(() =>
      createWavWriter(memorySink(), { sampleRate: 48_000, channels: 1 }, { maxDataBytes: WAV_MAX_DATA_BYTES + 1 }),
    ).toThrow(expect.objectContaining({ code: 'ERR_MICGATE_INVALID_ARGUMENT', field: 'maxDataBytes' }));
  });

  test('refuses partial frames and appends after finish', () => {
    const writer = createWavWriter(memorySink(), { sampleRate: 48_000, channels: 2 });
    expect(() => writer.append(new Float32Array(3))).toThrow(
      expect.objectContaining({ code: 'ERR_MICGATE_WAV_PARTIAL_FRAME' }),
    );
    writer.finish();
    writer.finish();
    expect(() => writer.append(new Float32Array(2))).toThrow(
      expect.objectContaining({ code: 'ERR_MICGATE_WAV_FINISHED' }),
    );
  });

  test('a sink that cannot take the header fails at once', () => {
    expect(() => createWavWriter(memorySink(10), { sampleRate: 48_000, channels: 1 })).toThrow(WavWriteError);
  });
});
