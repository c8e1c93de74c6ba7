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

describe.skipIf(rigDir === '')('capture open/close cycles', () => {
  test(`${CYCLES} open/close cycles leave no file descriptor, thread or PulseAudio stream behind`, { timeout: 60_000 }, async () => {
    // Warm up: PortAudio's first open loads ALSA's pulse plugin and its threads for good.
    for (let i = 0; i < 20; i++) openCapture(format).subscribe().unsubscribe();
    await settle();
    const before = { fds: openFds(), threads: threads(), rss: process.memoryUsage().rss };
    const started = performance.now();
    for (let i = 0; i < CYCLES; i++) {
      if (i % 100 === 0) {
        // Every hundredth stream must really deliver before it closes.
        const frame = await firstValueFrom(openCapture(format));
        expect(frame.samples).toHaveLength(960);
      } else {
        openCapture(format).subscribe().unsubscribe();
      }
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
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
