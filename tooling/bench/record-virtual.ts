/**
 * A minute of 48 kHz stereo audio in 256-frame buffers through `record()` on virtual time, against
 * a bare callback loop that makes the same frames and does the same per-frame work, at 1, 10 and
 * 100 subscribers (the bare loop calls its callback as many times per buffer). Prints frames/s of
 * CPU time for each path, its ratio to the bare loop at the same fan-out, and heap growth.
 * CPU time, not wall time: the benchmark machines are shared, and other processes' time is not ours.
 * Each measurement runs in a fresh process, after five warm-up runs of the same path (see measure()).
 * Usage: bench [--seconds 60] [--rounds 3] [--subscribers 1,10,100] [--json FILE]
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { type AudioFrame, createAudioSession } from '@micgate/core';
import { createMockPlatform, fromSamples, type MockSignal, VirtualClock } from '@micgate/mock';
import { firstValueFrom, type Subscription } from 'rxjs';

const { values } = parseArgs({
  // `pnpm bench -- --seconds 30` hands the `--` on to the script.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    seconds: { type: 'string', default: '60' },
    rounds: { type: 'string', default: '3' },
    subscribers: { type: 'string', default: '1,10,100' },
    json: { type: 'string' },
    child: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const fanOuts = values.subscribers.split(',').map(Number);
if (!(seconds > 0) || !Number.isInteger(rounds) || rounds < 1 || !fanOuts.every((n) => Number.isInteger(n) && n > 0))
  throw new Error('usage: --seconds N (> 0) --rounds N (≥ 1) --subscribers N,N,... (each ≥ 1)');

const format = { sampleRate: 48_000, channels: 2, framesPerBuffer: 256 };
const totalFrames = Math.floor((seconds * format.sampleRate) / format.framesPerBuffer) * format.framesPerBuffer;
// A precomputed second of a 440 Hz sine: generation costs the same lookup on both paths.
const oneSecond = new Float32Array(format.sampleRate).map(
  (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / format.sampleRate),
);
const signal: MockSignal = fromSamples(oneSecond, { loop: true });

/** The per-frame work every subscriber does: a running sum of squares (what a level meter does). */
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

/** CPU seconds this process has used (user + system). */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

interface Result {
  framesPerSecond: number;
  heapGrowthBytes: number;
}

/** Heap in use after a full collection. */
function collectedHeap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

/** One buffer of the signal from frame `start`, every channel the same: what the mock device does per buffer. */
function fillBuffer(samples: Float32Array, start: number): void {
  const { framesPerBuffer, channels, sampleRate } = format;
  for (let i = 0; i < framesPerBuffer; i++) {
    const value = signal.sampleAt(start + i, sampleRate);
    for (let c = 0; c < channels; c++) samples[i * channels + c] = value;
  }
}

/**
 * The floor: a plain loop making the frames the mock device makes, one call per buffer (as a
 * device callback is: V8 optimizes a function called per buffer better than one long loop),
 * handing each to `work` `fanOut` times. One buffer is rewritten for each,
 * as the mock device does (samples are valid during delivery).
 */
function bareLoop(fanOut: number): number {
  const started = cpuSeconds();
  const { framesPerBuffer, channels } = format;
  const samples = new Float32Array(framesPerBuffer * channels);
  for (let start = 0; start < totalFrames; start += framesPerBuffer) bareBuffer(samples, start, fanOut);
  return totalFrames / (cpuSeconds() - started);
}

/** One buffer of the bare loop: filled, then handed to `work` `fanOut` times. */
function bareBuffer(samples: Float32Array, start: number, fanOut: number): void {
  fillBuffer(samples, start);
  const frame = { samples };
  for (let s = 0; s < fanOut; s++) work(frame);
}

/** The mock device's own stream, no session: what record() adds to the device is the gap between this and granted. */
function deviceAlone(fanOut: number): number {
  const clock = new VirtualClock();
  const platform = createMockPlatform({ scheduler: clock, signal });
  const started = cpuSeconds();
  const device = platform.adapter.capture(format);
  // Fan-out by hand: one device stream, each frame to the work `fanOut` times.
  const subscription = device.subscribe((frame) => {
    for (let s = 0; s < fanOut; s++) work(frame);
  });
  clock.advanceSync((totalFrames / format.sampleRate) * 1000);
  const elapsed = cpuSeconds() - started;
  subscription.unsubscribe();
  return totalFrames / elapsed;
}

/** The same audio through a session on virtual time: the device path (granted) or the silence path (denied). */
async function throughRecord(decision: 'granted' | 'denied', fanOut: number): Promise<number> {
  const clock = new VirtualClock();
  const platform = createMockPlatform({ scheduler: clock, signal });
  platform.user.changeSetting(decision);
  const session = createAudioSession({ adapter: platform.adapter, usageDescription: 'benchmark', scheduler: clock });
  await firstValueFrom(session.recordPermission$);
  const counts = new Array<number>(fanOut).fill(0);
  let gatedFrames = 0;
  const started = cpuSeconds();
  const recording = session.record(format);
  const subscriptions: Subscription[] = [];
  for (let s = 0; s < fanOut; s++) {
    subscriptions.push(
      recording.subscribe((frame) => {
        counts[s]! += frame.frames;
        if (s === 0 && frame.gated) gatedFrames += frame.frames;
        work(frame);
      }),
    );
  }
  clock.advanceSync((totalFrames / format.sampleRate) * 1000);
  const elapsed = cpuSeconds() - started;
  for (const subscription of subscriptions) subscription.unsubscribe();
  session.close();
  const frames = counts[0]!;
  // Silence covers the device's start-up, so the granted path may deliver one extra (silent) buffer.
  if (Math.abs(frames - totalFrames) > format.framesPerBuffer)
    throw new Error(`record() delivered ${frames} frames, expected ${totalFrames}`);
  if (counts.some((count) => count !== frames)) throw new Error(`subscribers saw different frame counts: ${counts}`);
  const expectedGated = decision === 'denied' ? frames : format.framesPerBuffer;
  if (gatedFrames > expectedGated) throw new Error(`unexpected gating: ${gatedFrames}/${frames} frames gated`);
  return frames / elapsed;
}

const WARM_UPS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
type Path = 'bare' | 'device' | 'granted' | 'denied';
const runs = new Map<string, Result[]>();
const push = (path: Path, fanOut: number, result: Result) => {
  const key = `${path}/${fanOut}`;
  runs.set(key, [...(runs.get(key) ?? []), result]);
};
/**
 * One path at one fan-out in this process, after WARM_UPS runs of it: the paths with more code
 * take V8 more runs to optimize (after one run of 20 s the mock device alone measured about 0.3
 * of the bare loop, after five 0.8-0.9), and the benchmark compares per-buffer costs, not warm-ups.
 * Heap growth is over the last three runs (two warm-ups and the measured run), from and to a full
 * collection: a heap that grew with the recorded time would show it three times over.
 */
async function measure(path: Path, fanOut: number): Promise<Result> {
  const once = () =>
    path === 'bare' ? bareLoop(fanOut) : path === 'device' ? deviceAlone(fanOut) : throughRecord(path, fanOut);
  let heapBefore = 0;
  for (let run = 0; run < WARM_UPS; run++) {
    if (run === WARM_UPS - 2) heapBefore = collectedHeap();
    await once();
  }
  const framesPerSecond = await once();
  return { framesPerSecond, heapGrowthBytes: collectedHeap() - heapBefore };
}

if (values.child) {
  // A child measures one path and reports it; the parent runs the rounds.
  const [path, fanOut] = values.child.split('/');
  const result = await measure(path as Path, Number(fanOut));
  if (!Number.isFinite(energy)) throw new Error('the work gave no energy'); // and keeps it live
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
}

// Each measurement in a process of its own (a fresh V8): the paths share `work` and the signal, and
// type feedback one path leaves in them would otherwise slow the next. Rounds interleave the paths,
// so a burst of load elsewhere hits them alike.
for (let round = 0; round < rounds; round++) {
  for (const fanOut of fanOuts) {
    for (const path of ['bare', 'device', 'granted', 'denied'] as const) {
      const output = execFileSync(
        process.execPath,
        [...process.execArgv, process.argv[1]!, '--seconds', String(seconds), '--child', `${path}/${fanOut}`],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      push(path, fanOut, JSON.parse(output) as Result);
    }
  }
}

const audioSeconds = totalFrames / format.sampleRate;
const rows: {
  path: Path;
  subscribers: number;
  framesPerSecond: number;
  ratioToBare: number;
  heapGrowthKiB: number;
}[] = [];
for (const fanOut of fanOuts) {
  const bare = median(runs.get(`bare/${fanOut}`)!.map((r) => r.framesPerSecond));
  for (const path of ['bare', 'device', 'granted', 'denied'] as const) {
    const results = runs.get(`${path}/${fanOut}`)!;
    const framesPerSecond = median(results.map((r) => r.framesPerSecond));
    rows.push({
      path,
      subscribers: fanOut,
      framesPerSecond,
      ratioToBare: framesPerSecond / bare,
      heapGrowthKiB: median(results.map((r) => r.heapGrowthBytes)) / 1024,
    });
  }
}

const labels: Record<Path, string> = {
  bare: 'bare callback loop',
  device: 'mock device alone',
  granted: 'record(), granted (device)',
  denied: 'record(), denied (silence)',
};
console.log(
  `micgate record() benchmark: ${audioSeconds} s of ${format.sampleRate} Hz, ${format.channels} ch, ${format.framesPerBuffer}-frame buffers (${totalFrames / format.framesPerBuffer} buffers), CPU time, each run in its own process, median of ${rounds} rounds, node ${process.version}`,
);
console.log('path                        subs  frames/s (CPU)  x real time  ratio to bare  heap growth (median)');
for (const row of rows) {
  console.log(
    `${labels[row.path].padEnd(28)}${String(row.subscribers).padStart(4)}  ${Math.round(row.framesPerSecond).toLocaleString('en').padStart(14)}  ${(row.framesPerSecond / format.sampleRate).toFixed(0).padStart(11)}  ${row.ratioToBare.toFixed(3).padStart(13)}  ${row.heapGrowthKiB.toFixed(1).padStart(10)} KiB`,
  );
}
if (values.json) {
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version };
  writeFileSync(
    values.json,
    `${JSON.stringify({ benchmark: 'core-record-virtual', audioSeconds, format, rounds, machine, rows }, null, 2)}\n`,
  );
}
