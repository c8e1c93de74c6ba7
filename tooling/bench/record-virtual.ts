/**
 * One minute of 48 kHz stereo audio in 256-frame buffers through `record()` on virtual time,
 * against a bare callback loop that makes the same frames and does the same per-frame work.
 * Prints frames/s for both, their ratio, and heap growth. Usage: bench [--seconds 60] [--rounds 3]
 */
import { parseArgs } from 'node:util';
import { type AudioFrame, createAudioSession } from '@micgate/core';
import { createMockPlatform, fromSamples, type MockSignal, VirtualClock } from '@micgate/mock';
import { firstValueFrom } from 'rxjs';

const { values } = parseArgs({
  // `pnpm bench -- --seconds 30` hands the `--` on to the script.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: { seconds: { type: 'string', default: '60' }, rounds: { type: 'string', default: '3' } },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
if (!(seconds > 0) || !Number.isInteger(rounds) || rounds < 1)
  throw new Error('usage: --seconds N (> 0) --rounds N (≥ 1)');

const format = { sampleRate: 48_000, channels: 2, framesPerBuffer: 256 };
const totalFrames = Math.floor((seconds * format.sampleRate) / format.framesPerBuffer) * format.framesPerBuffer;
// A precomputed second of a 440 Hz sine: generation costs the same lookup on both paths.
const oneSecond = new Float32Array(format.sampleRate).map(
  (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / format.sampleRate),
);
const signal: MockSignal = fromSamples(oneSecond, { loop: true });

/** The per-frame work both paths do: a running sum of squares (what a level meter does). */
let energy = 0;
function work(frame: Pick<AudioFrame, 'samples'>): void {
  const samples = frame.samples;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  energy += sum;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

interface Result {
  framesPerSecond: number;
  heapGrowthBytes: number;
  frames: number;
}

/** The floor: a plain loop making the frames the mock device makes, handing each to `work`. */
function bareLoop(): Result {
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = process.hrtime.bigint();
  const { framesPerBuffer, channels, sampleRate } = format;
  for (let start = 0; start < totalFrames; start += framesPerBuffer) {
    const samples = new Float32Array(framesPerBuffer * channels);
    for (let i = 0; i < framesPerBuffer; i++) {
      const value = signal.sampleAt(start + i, sampleRate);
      for (let c = 0; c < channels; c++) samples[i * channels + c] = value;
    }
    work({ samples });
  }
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  gc();
  return {
    framesPerSecond: totalFrames / elapsed,
    heapGrowthBytes: process.memoryUsage().heapUsed - heapBefore,
    frames: totalFrames,
  };
}

/** The same audio through a session on virtual time: the device path (granted) or the silence path (denied). */
async function throughRecord(decision: 'granted' | 'denied'): Promise<Result> {
  const clock = new VirtualClock();
  const platform = createMockPlatform({ scheduler: clock, signal });
  platform.user.changeSetting(decision);
  const session = createAudioSession({ adapter: platform.adapter, usageDescription: 'benchmark', scheduler: clock });
  await firstValueFrom(session.recordPermission$);
  let frames = 0;
  let gatedFrames = 0;
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = process.hrtime.bigint();
  const subscription = session.record(format).subscribe((frame) => {
    frames += frame.frames;
    if (frame.gated) gatedFrames += frame.frames;
    work(frame);
  });
  clock.advanceSync((totalFrames / format.sampleRate) * 1000);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  subscription.unsubscribe();
  session.close();
  gc();
  const heapGrowthBytes = process.memoryUsage().heapUsed - heapBefore;
  // Silence covers the device's start-up, so the granted path may deliver one extra (silent) buffer.
  if (Math.abs(frames - totalFrames) > format.framesPerBuffer)
    throw new Error(`record() delivered ${frames} frames, expected ${totalFrames}`);
  const expectedGated = decision === 'denied' ? frames : format.framesPerBuffer;
  if (gatedFrames > expectedGated) throw new Error(`unexpected gating: ${gatedFrames}/${frames} frames gated`);
  return { framesPerSecond: frames / elapsed, heapGrowthBytes, frames };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const runs: Record<'bare' | 'granted' | 'denied', Result[]> = { bare: [], granted: [], denied: [] };
bareLoop(); // warm-up
await throughRecord('granted');
for (let round = 0; round < rounds; round++) {
  runs.bare.push(bareLoop());
  runs.granted.push(await throughRecord('granted'));
  runs.denied.push(await throughRecord('denied'));
}

const audioSeconds = totalFrames / format.sampleRate;
const bare = median(runs.bare.map((r) => r.framesPerSecond));
console.log(
  `micgate record() benchmark: ${audioSeconds} s of ${format.sampleRate} Hz, ${format.channels} ch, ${format.framesPerBuffer}-frame buffers (${totalFrames / format.framesPerBuffer} buffers), median of ${rounds} rounds, node ${process.version}`,
);
console.log('path                        frames/s      x real time  ratio to bare  heap growth (median)');
for (const [name, label] of [
  ['bare', 'bare callback loop'],
  ['granted', 'record(), granted (device)'],
  ['denied', 'record(), denied (silence)'],
] as const) {
  const fps = median(runs[name].map((r) => r.framesPerSecond));
  const heap = median(runs[name].map((r) => r.heapGrowthBytes));
  console.log(
    `${label.padEnd(28)}${Math.round(fps).toLocaleString('en').padStart(12)}  ${(fps / format.sampleRate).toFixed(0).padStart(11)}  ${(fps / bare).toFixed(3).padStart(13)}  ${(heap / 1024).toFixed(1).padStart(10)} KiB`,
  );
}
console.log(`(energy checksum ${energy.toExponential(3)})`);
