// One benchmark subject, run in its own process by run.ts:
//   record  — createAudioSession({ adapter: createNodeAdapter(...) }).record(), permission granted
//   capture — openCapture() alone (the adapter's stream without the session)
// Prints `RESULT {json}`: CPU seconds of this process while capturing, frames, losses, and the
// delay from each buffer's PortAudio input (ADC) time to the observer.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AudioFrame, createAudioSession, type DeviceFrame } from '@micgate/core';
import type { Observable } from 'rxjs';
import { createNodeAdapter } from '../src/adapter.js';
import { captureStats, openCapture } from '../src/capture/index.js';
import { percentile } from './stats.js';

const [mode = 'record', secondsText = '60', rateText = '48000', channelsText = '2', framesText = '480'] =
  process.argv.slice(2);
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

const delays: number[] = [];
let deviceFrames = 0;
const cpuBefore = process.cpuUsage();
const subscription = frames$.subscribe((frame) => {
  if ('gated' in frame && frame.gated) return;
  deviceFrames += 1;
  delays.push(now() - frame.time);
});
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
subscription.unsubscribe();
const cpu = process.cpuUsage(cpuBefore);
close();
const stats = captureStats();
await rm(configDir, { recursive: true, force: true });
console.log(
  `RESULT ${JSON.stringify({
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    frames: deviceFrames * format.framesPerBuffer,
    expectedFrames: seconds * format.sampleRate,
    framesLost: stats.framesLost,
    inputOverflows: stats.inputOverflows,
    delayP50Ms: percentile(delays, 0.5) * 1000,
    delayP99Ms: percentile(delays, 0.99) * 1000,
  })}`,
);
