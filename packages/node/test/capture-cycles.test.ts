import { readdirSync } from 'node:fs';
import { attachRig } from '@micgate/audio-rig';
import { firstValueFrom } from 'rxjs';
import { describe, expect, inject, test } from 'vitest';
import { captureStats, openCapture } from '../src/capture/index.js';

const rigDir = inject('rigDir');
const format = { sampleRate: 48_000, channels: 2, framesPerBuffer: 480 };
const CYCLES = 1_000;

const openFds = () => readdirSync('/proc/self/fd').length;
const threads = () => readdirSync('/proc/self/task').length;
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Subscribe, wait until the device stream is being opened (the open is queued on the addon's PortAudio thread), unsubscribe. */
async function openAndClose(): Promise<void> {
  const before = captureStats().opened;
  const subscription = openCapture(format).subscribe();
  for (const deadline = Date.now() + 5_000; captureStats().opened === before && Date.now() < deadline; ) await tick();
  expect(captureStats().opened).toBe(before + 1);
  subscription.unsubscribe();
}

describe.skipIf(rigDir === '')('capture open/close cycles', () => {
  test(`${CYCLES} open/close cycles leave no file descriptor, thread or PulseAudio stream behind`, {
    timeout: 120_000,
  }, async () => {
    // Warm up: PortAudio's first open loads ALSA's pulse plugin and its threads for good.
    for (let i = 0; i < 20; i++) await openAndClose();
    await settle();
    const before = { fds: openFds(), threads: threads(), rss: process.memoryUsage().rss };
    const started = performance.now();
    for (let i = 0; i < CYCLES; i++) {
      if (i % 100 === 0) {
        // Every hundredth stream must really deliver before it closes.
        const frame = await firstValueFrom(openCapture(format));
        expect(frame.samples).toHaveLength(960);
      } else {
        await openAndClose();
      }
    }
    // Closes run in order on the addon's PortAudio thread: wait until the last one is done.
    for (const deadline = Date.now() + 20_000; captureStats().openStreams > 0 && Date.now() < deadline; )
      await settle();
    await settle();
    const seconds = (performance.now() - started) / 1000;
    const after = { fds: openFds(), threads: threads(), rss: process.memoryUsage().rss };
    console.info(
      `${CYCLES} cycles in ${seconds.toFixed(1)} s: fds ${before.fds} → ${after.fds}, threads ${before.threads} → ${after.threads}, RSS ${(before.rss / 1e6).toFixed(0)} → ${(after.rss / 1e6).toFixed(0)} MB`,
    );
    expect(captureStats().openStreams).toBe(0);
    // A leak per cycle would show as hundreds; allow the runner itself one or two.
    expect(after.fds - before.fds).toBeLessThanOrEqual(2);
    expect(after.threads - before.threads).toBeLessThanOrEqual(1);
    expect(after.rss - before.rss).toBeLessThan(40e6);
    expect(await attachRig(rigDir).sourceOutputs()).toBe(0);
  });
});
