/**
 * What the header patch per buffer costs the CLI recorder, against writing the samples alone and
 * against patching once a second (the recorder's old way): `pnpm --filter @micgate/cli-recorder bench`.
 * 20 ms buffers at 48 kHz mono pcm16 (1,920 bytes), as the recorder writes them, to a file in the
 * system temp folder. Each variant runs 5 rounds of 30,000 buffers (10 minutes of audio); the median
 * round is reported.
 */
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWavWriter, encodeWavSamples, wavHeader } from '@micgate/core';

const FRAMES = 960;
const BUFFERS = 30_000;
const ROUNDS = 5;
const format = { sampleRate: 48_000, channels: 1 };
const samples = Float32Array.from({ length: FRAMES }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 48_000));
const dir = mkdtempSync(join(tmpdir(), 'micgate-header-bench-'));

function time(name: string, run: (fd: number) => void): number {
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const path = join(dir, `${name}.wav`);
    const fd = openSync(path, 'w');
    const started = process.hrtime.bigint();
    run(fd);
    rounds.push(Number(process.hrtime.bigint() - started) / BUFFERS);
    closeSync(fd);
    rmSync(path);
  }
  return rounds.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

const results: [string, number][] = [];
// Baseline: encode and write the samples, header once at the end (nothing survives a kill -9).
results.push([
  'samples only, header at the end',
  time('baseline', (fd) => {
    let data = 0;
    writeSync(fd, wavHeader(format, 0), 0, 44, 0);
    for (let i = 0; i < BUFFERS; i++) {
      const bytes = encodeWavSamples(samples);
      writeSync(fd, bytes, 0, bytes.length, 44 + data);
      data += bytes.length;
    }
    writeSync(fd, wavHeader(format, data), 0, 44, 0);
  }),
]);
results.push([
  'header once a second (the old recorder)',
  time('second', (fd) => {
    let data = 0;
    writeSync(fd, wavHeader(format, 0), 0, 44, 0);
    for (let i = 0; i < BUFFERS; i++) {
      const bytes = encodeWavSamples(samples);
      writeSync(fd, bytes, 0, bytes.length, 44 + data);
      data += bytes.length;
      if (i % 50 === 49) writeSync(fd, wavHeader(format, data), 0, 44, 0);
    }
  }),
]);
results.push([
  "core's writer with its header patches skipped",
  time('writer-no-header', (fd) => {
    // Not a usable file: isolates what the per-buffer header write adds to the writer itself.
    const writer = createWavWriter(
      { write: (bytes, position) => (position === 0 ? bytes.length : writeSync(fd, bytes, 0, bytes.length, position)) },
      format,
    );
    for (let i = 0; i < BUFFERS; i++) writer.append(samples);
  }),
]);
results.push([
  "header every buffer (core's createWavWriter)",
  time('writer', (fd) => {
    const writer = createWavWriter(
      {
        write: (bytes, position) => writeSync(fd, bytes, 0, bytes.length, position),
        truncate: (length) => ftruncateSync(fd, length),
      },
      format,
    );
    for (let i = 0; i < BUFFERS; i++) writer.append(samples);
  }),
]);
rmSync(dir, { recursive: true, force: true });

const baseline = results[0]![1];
console.log(`${BUFFERS} buffers of ${FRAMES} frames (20 ms) per round, median of ${ROUNDS} rounds, in ${tmpdir()}`);
for (const [name, ns] of results) {
  console.log(
    `${name.padEnd(46)} ${(ns / 1000).toFixed(2).padStart(7)} µs/buffer  ${(ns / baseline).toFixed(2)}× baseline  ${((ns / 20e6) * 100).toFixed(3)}% of the buffer's 20 ms`,
  );
}
