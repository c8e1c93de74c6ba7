// One benchmark subject, run in its own process by run.ts:
//   record  — createAudioSession({ adapter: createNodeAdapter(...) }).record(), permission granted
//   capture — openCapture() alone (the adapter's stream without the session)
// Prints `RESULT {json}`: CPU seconds of this process while capturing, frames, losses, the delay
// from each buffer's PortAudio input (ADC) time to the observer, and the heap and GC while capturing.
// PortAudio is started before the CPU window opens, as naudiodon does at require() and the C loop
// before its clock: every subject is measured from opening the stream.
// usage: subject-capture.ts record|capture SECONDS RATE CHANNELS FRAMES [SUBSCRIBERS]  (run with --expose-gc)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { join } from 'node:path';
import { type AudioFrame, createAudioSession, type DeviceFrame } from '@micgate/core';
import type { Observable } from 'rxjs';
import { createNodeAdapter } from '../src/adapter.js';
import { listNative } from '../src/capture/devices.js';
import { captureStats, openCapture } from '../src/capture/index.js';
import { liveStreamStats } from '../src/capture/open-capture.js';
import { percentile } from './stats.js';
import { threadCpuSince, threadCpuSeconds } from './thread-cpu.mjs';
import { allocatedSince, youngGenerationBytes } from './young-allocation.mjs';

const [
  mode = 'record',
  secondsText = '60',
  rateText = '48000',
  channelsText = '2',
  framesText = '480',
  subscribersText = '1',
] = process.argv.slice(2);
const subscribers = Number(subscribersText);
const format = { sampleRate: Number(rateText), channels: Number(channelsText), framesPerBuffer: Number(framesText) };
const seconds = Number(secondsText);
const now = () => Number(process.hrtime.bigint()) / 1e9;

const configDir = await mkdtemp(join(tmpdir(), 'micgate-bench-'));
let frames$: Observable<AudioFrame | DeviceFrame>;
let close = () => {};
if (mode === 'record') {
  const adapter = createNodeAdapter({ appId: 'micgate-bench', configDir, interactive: false });
  await adapter.store.set('micgate-bench', 'granted');
  const session = createAudioSession({ adapter, usageDescription: 'Benchmarks capture.' });
  await session.requestRecordPermission();
  frames$ = session.record(format);
  close = () => session.close();
} else {
  frames$ = openCapture(format);
}

await listNative(false, 10);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
let gcMs = 0;
let gcCount = 0;
const gcWatch = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcMs += entry.duration;
    gcCount += 1;
  }
});
const delays = new Float64Array(Math.ceil((seconds * format.sampleRate) / format.framesPerBuffer) + 1000);
let deviceFrames = 0;
gc();
const heapBefore = process.memoryUsage();
gcWatch.observe({ entryTypes: ['gc'] });
const cpuBefore = process.cpuUsage();
const subscriptions = [
  frames$.subscribe((frame) => {
    if ('gated' in frame && frame.gated) return;
    if (deviceFrames < delays.length) delays[deviceFrames] = now() - frame.time;
    deviceFrames += 1;
  }),
];
// The others do what a light consumer does: read one sample.
let sink = 0;
for (let i = 1; i < subscribers; i++) subscriptions.push(frames$.subscribe((frame) => (sink += frame.samples[0] ?? 0)));
const heapSamples: number[] = [];
const heapTimer = setInterval(() => heapSamples.push(process.memoryUsage().heapUsed), 1000);
// Steady state: the same capture from `warmSeconds` on, when V8 has finished with start-up
// (compiling, the memory reducer's collections after loading) — the cost of every further second.
const warmSeconds = Math.min(5, seconds / 4);
await new Promise((resolve) => setTimeout(resolve, warmSeconds * 1000));
const cpuWarm = process.cpuUsage();
const threadsWarm = threadCpuSeconds();
const gcsWarm = gcCount;
const buffersWarm = deviceFrames;
const youngWarm = youngGenerationBytes(); // last: the readings above allocate
await new Promise((resolve) => setTimeout(resolve, (seconds - warmSeconds) * 1000));
const steadyAllocated = allocatedSince(youngWarm); // first: the readings below allocate
const steadyBuffers = deviceFrames - buffersWarm;
const native = liveStreamStats();
const steadyThreads = threadCpuSince(threadsWarm);
for (const subscription of subscriptions) subscription.unsubscribe();
const cpu = process.cpuUsage(cpuBefore);
const steady = process.cpuUsage(cpuWarm);
clearInterval(heapTimer);
gcWatch.disconnect();
gc();
const heapAfter = process.memoryUsage();
close();
const stats = captureStats();
await rm(configDir, { recursive: true, force: true });
console.log(
  `RESULT ${JSON.stringify({
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    steadyCpuSeconds: (steady.user + steady.system) / 1e6,
    steadySeconds: seconds - warmSeconds,
    // The steady CPU by thread: the JS thread (micgate's code) and the others (PortAudio, PulseAudio, V8).
    steadyThreads,
    // JS heap allocated per delivered buffer in the steady window (undefined if a collection ran in it).
    bytesPerBuffer: steadyAllocated === undefined || gcCount !== gcsWarm ? null : steadyAllocated / steadyBuffers,
    // The addon's: PortAudio callbacks and JS-thread wakes (each wake delivers every buffer queued by then).
    callbacks: native.reduce((sum, stream) => sum + stream.callbacks, 0),
    wakes: native.reduce((sum, stream) => sum + stream.wakes, 0),
    frames: deviceFrames * format.framesPerBuffer,
    expectedFrames: seconds * format.sampleRate,
    framesLost: stats.framesLost,
    inputOverflows: stats.inputOverflows,
    delayP50Ms: percentile([...delays.subarray(0, deviceFrames)], 0.5) * 1000,
    delayP99Ms: percentile([...delays.subarray(0, deviceFrames)], 0.99) * 1000,
    subscribers,
    gcMs,
    gcCount,
    // After a full GC, before the capture and after it: what the capture left behind.
    heapBeforeMB: heapBefore.heapUsed / 2 ** 20,
    heapAfterMB: heapAfter.heapUsed / 2 ** 20,
    arrayBuffersBeforeMB: heapBefore.arrayBuffers / 2 ** 20,
    arrayBuffersAfterMB: heapAfter.arrayBuffers / 2 ** 20,
    // Once a second while capturing (no GC forced): min and max heap in use.
    heapMinMB: Math.min(...heapSamples) / 2 ** 20,
    heapMaxMB: Math.max(...heapSamples) / 2 ** 20,
    sink,
  })}`,
);
