import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { attachRig } from '@micgate/audio-rig';
import {
  type DeviceFrame,
  DeviceLostError,
  DeviceNotFoundError,
  InvalidArgumentError,
  measureLevel,
} from '@micgate/core';
import { afterEach, describe, expect, inject, test } from 'vitest';
import { loadBinding } from '../src/capture/binding.js';
import { captureStats, listInputDevices, openCapture } from '../src/capture/index.js';
import { collect, waitUntil } from './frames.js';
import { packageDir } from './helpers.js';
import { channel, concat, estimateFrequency, monotonicSeconds } from './signal.js';

const rigDir = inject('rigDir');
const noRig = rigDir === '';
if (noRig) console.warn(`capture tests skipped: ${inject('rigUnavailable')}`);
const rig = () => attachRig(rigDir);
const captureSource = join(packageDir, 'src', 'capture', 'index.ts');
const mono = { sampleRate: 48_000, channels: 1, framesPerBuffer: 480 };

describe.skipIf(noRig)('PortAudio capture on the rig (real PulseAudio source through ALSA)', () => {
  afterEach(async () => {
    // Closing runs on the addon's PortAudio thread: give it its bound.
    await waitUntil(() => captureStats().openStreams === 0, 3_000, 'every stream to close');
  });

  test('the threads a capture starts take no signals: a child process exiting never lands in PortAudio', async () => {
    // PortAudio ends its callback thread with pthread_cancel. A SIGCHLD taken there, inside libuv's
    // handler, was cancelled holding libuv's signal lock and hung the process at its next signal.
    const SIGCHLD_BIT = 1n << 16n; // signal 17
    const threads = async () => readdir('/proc/self/task');
    const blocked = async (tid: string) => {
      const status = await readFile(`/proc/self/task/${tid}/status`, 'utf8').catch(() => '');
      const mask = /^SigBlk:\s*([0-9a-f]+)$/m.exec(status)?.[1];
      return mask === undefined ? undefined : (BigInt(`0x${mask}`) & SIGCHLD_BIT) !== 0n;
    };
    await Promise.all(Array.from({ length: 8 }, () => readFile(captureSource))); // libuv's pool is up
    const before = new Set(await threads());
    const frames: number[] = [];
    const subscription = openCapture(mono).subscribe((frame) => frames.push(frame.frames));
    try {
      await waitUntil(() => frames.length >= 5, 10_000, 'five buffers');
      const started = (await threads()).filter((tid) => !before.has(tid));
      expect(started.length, 'the capture runs on a thread of its own').toBeGreaterThan(0);
      const masks = await Promise.all(started.map(blocked));
      expect(masks.filter((mask) => mask !== undefined)).not.toContain(false);
    } finally {
      subscription.unsubscribe();
    }
  });

  test("lists the sound server's sources with stable ids, the default flagged", async () => {
    const devices = await listInputDevices();
    expect(devices.filter((device) => device.isDefault)).toHaveLength(1);
    const vmic = devices.find((device) => device.id === 'pulse:vmic.monitor');
    expect(vmic).toMatchObject({ name: 'Monitor of Null Output', isDefault: true, defaultSampleRate: 48_000 });
    expect(vmic?.maxChannels).toBeGreaterThanOrEqual(2);
  });

  test("PortAudio's own ids and indexes still open (ALSA's pulse plugin device)", async () => {
    const played = await rig().setSine(1000, 0.4);
    const frames = await collect(openCapture(mono, { device: 'ALSA:pulse' }), 40);
    const samples = concat(frames.slice(10).map((frame) => frame.samples));
    expect(estimateFrequency(samples, 48_000)).toBeGreaterThan(played.frequency * 0.99);
    expect(estimateFrequency(samples, 48_000)).toBeLessThan(played.frequency * 1.01);
  });

  test('captures a known sine at the right frequency (±1%) and level', async () => {
    const played = await rig().setSine(1000, 0.4);
    const frames = await collect(openCapture(mono), 100); // 1 s
    const samples = concat(frames.slice(10).map((frame) => frame.samples));
    expect(estimateFrequency(samples, 48_000)).toBeGreaterThan(played.frequency * 0.99);
    expect(estimateFrequency(samples, 48_000)).toBeLessThan(played.frequency * 1.01);
    expect(measureLevel(samples).rms).toBeCloseTo(played.rms, 2);
    expect(measureLevel(samples).peak).toBeLessThanOrEqual(0.41);
  });

  test('a changed sine is what the next capture hears, in stereo too', async () => {
    const played = await rig().setSine(440, 0.25);
    const frames = await collect(openCapture({ sampleRate: 48_000, channels: 2, framesPerBuffer: 1024 }), 40);
    const samples = concat(frames.slice(5).map((frame) => frame.samples));
    for (const index of [0, 1]) {
      const one = channel(samples, 2, index);
      expect(Math.abs(estimateFrequency(one, 48_000) / played.frequency - 1)).toBeLessThan(0.01);
      expect(measureLevel(one).rms).toBeCloseTo(played.rms, 2);
    }
  });

  test('every buffer has exactly framesPerBuffer frames and a capture time on the monotonic clock', async () => {
    const format = { sampleRate: 44_100, channels: 1, framesPerBuffer: 441 };
    const before = monotonicSeconds();
    const frames = await collect(openCapture(format), 50);
    const after = monotonicSeconds();
    for (const frame of frames) {
      expect(frame).toMatchObject({ frames: 441, sampleRate: 44_100, channels: 1 });
      expect(frame.samples).toHaveLength(441);
    }
    const steps = frames.slice(1).map((frame, i) => frame.time - frames[i]!.time);
    const sorted = [...steps].sort((a, b) => a - b);
    expect(sorted[sorted.length >> 1]).toBeCloseTo(0.01, 3);
    expect(Math.min(...steps)).toBeGreaterThan(0);
    // On the monotonic clock: captured after the device was opened (minus the device latency) and
    // about when it reached us. The time is PortAudio's ADC estimate; over ALSA's pulse plugin that
    // estimate runs up to about one buffer late now and then (seen: 0.26 ms past `after` for a buffer
    // whose first frame was captured 10 ms before it), so the bound allows one buffer. Any other
    // clock would be off by far more than that.
    expect(frames[0]!.time).toBeGreaterThan(before - 0.5);
    expect(frames.at(-1)!.time).toBeLessThan(after + format.framesPerBuffer / format.sampleRate);
  });

  test('delivers every buffer in one reused Float32Array, valid during delivery; a detached one is replaced', async () => {
    await rig().setSine(440, 0.4);
    const seen: Float32Array[] = [];
    const copies: Float32Array[] = [];
    const lengths: number[] = [];
    let detached = false;
    const subscription = openCapture(mono).subscribe((frame) => {
      seen.push(frame.samples);
      copies.push(frame.samples.slice());
      lengths.push(frame.samples.length);
      // A consumer that transfers the buffer (postMessage does) detaches it: the stream must go on.
      if (seen.length === 20) {
        const buffer = frame.samples.buffer as ArrayBuffer;
        structuredClone(buffer, { transfer: [buffer] });
        detached = frame.samples.length === 0;
      }
    });
    await waitUntil(() => seen.length >= 40, 5_000, '40 buffers');
    subscription.unsubscribe();
    // No ArrayBuffer per buffer: the first 20 share one array, those after the transfer another.
    expect(new Set(seen.slice(0, 20)).size).toBe(1);
    expect(detached).toBe(true);
    expect(new Set(seen.slice(20)).size).toBe(1);
    expect(seen[20] === seen[0]).toBe(false);
    expect(lengths.every((length) => length === 480)).toBe(true);
    // Each delivery held that buffer's own audio (the copies differ: 440 Hz does not repeat every 10 ms).
    const tone = copies.slice(25).filter((copy) => measureLevel(copy).rms > 0.1);
    expect(tone.length).toBeGreaterThan(5);
    expect(tone.some((copy, i) => i > 0 && copy.some((sample, j) => sample !== tone[i - 1]![j]))).toBe(true);
  });

  test('delivers at the real-time pace', async () => {
    const start = performance.now();
    const frames = await collect(openCapture(mono), 150); // 1.5 s of audio
    const seconds = (performance.now() - start) / 1000;
    expect(frames).toHaveLength(150);
    expect(seconds).toBeGreaterThan(1.5 * 0.85);
    expect(seconds).toBeLessThan(1.5 + 1.0);
  });

  test('unsubscribing closes the device: no open stream here, no capture stream in PulseAudio', async () => {
    const subscription = openCapture(mono).subscribe();
    await waitUntil(() => captureStats().openStreams === 1, 5_000, 'the stream to open');
    await waitUntil(async () => (await rig().sourceOutputs()) === 1, 5_000, 'PulseAudio to see the capture');
    subscription.unsubscribe();
    await waitUntil(() => captureStats().openStreams === 0, 5_000, 'the stream to close');
    await waitUntil(async () => (await rig().sourceOutputs()) === 0, 5_000, 'PulseAudio to see the capture end');
  });

  test('spawns nothing while the first buffer is on its way: the removal watch starts once it is delivered', async () => {
    // A spawn holds the JS thread 5–10 ms; started before the first buffer, the watch's `pactl
    // subscribe` and scan delayed it by a median 24 ms (the grant benchmark).
    const removalWatches = () =>
      readFileSync(`/proc/self/task/${process.pid}/children`, 'utf8')
        .split(' ')
        .filter((pid) => pid.trim() !== '')
        .filter((pid) => {
          try {
            return readFileSync(`/proc/${pid.trim()}/cmdline`, 'utf8') === 'pactl\0subscribe\0';
          } catch {
            return false; // gone already
          }
        });
    await waitUntil(() => removalWatches().length === 0, 3_000, 'no watch left by an earlier test');
    let atFirstBuffer: string[] | undefined;
    const subscription = openCapture(mono).subscribe(() => {
      atFirstBuffer ??= removalWatches();
    });
    try {
      await waitUntil(() => atFirstBuffer !== undefined, 5_000, 'the first buffer');
      expect(atFirstBuffer).toEqual([]);
      await waitUntil(() => removalWatches().length === 1, 5_000, 'the removal watch to start after it');
    } finally {
      subscription.unsubscribe();
    }
  });

  test("selects a device by id, name, part of a name, PortAudio's name or index", async () => {
    const index = (await loadBinding().listDevices(false)).find((device) => device.name === 'pulse')!.index;
    for (const device of ['pulse:vmic.monitor', 'Monitor of Null Output', 'null out', 'pulse', index]) {
      const [frame] = await collect(openCapture(mono, { device }), 1);
      expect(frame?.samples).toHaveLength(480);
    }
  });

  test('refuses bad input before opening anything, naming the field', () => {
    expect(() => openCapture({ ...mono, sampleRate: Number.NaN })).toThrow(
      expect.objectContaining({ field: 'sampleRate' }),
    );
    expect(() => openCapture({ ...mono, channels: 0 })).toThrow(InvalidArgumentError);
    expect(() => openCapture({ ...mono, framesPerBuffer: 8 })).toThrow(
      expect.objectContaining({ field: 'framesPerBuffer' }),
    );
    expect(() => openCapture(mono, { device: '  ' })).toThrow(expect.objectContaining({ field: 'device' }));
    expect(() => openCapture(mono, { bufferSeconds: 0 })).toThrow(expect.objectContaining({ field: 'bufferSeconds' }));
    expect(() => openCapture(mono, { timeoutSeconds: 0 })).toThrow(
      expect.objectContaining({ field: 'timeoutSeconds' }),
    );
    expect(() => openCapture(mono, { onError: 'log' as unknown as () => void })).toThrow(
      expect.objectContaining({ field: 'onError' }),
    );
    expect(captureStats().openStreams).toBe(0);
  });

  test('an unknown device name fails with DeviceNotFoundError listing the inputs', async () => {
    const error = await collect(openCapture(mono, { device: 'no such microphone' }), 1).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DeviceNotFoundError);
    expect(String((error as Error).message)).toContain('"Monitor of Null Output" (pulse:vmic.monitor)');
    await expect(collect(openCapture(mono, { device: 999 }), 1)).rejects.toBeInstanceOf(DeviceNotFoundError);
  });

  test('reports input lost when JS stalls longer than the ring holds', async () => {
    const losses: number[] = [];
    const frames: DeviceFrame[] = [];
    const lostBefore = captureStats().framesLost;
    const subscription = openCapture(mono, {
      bufferSeconds: 0.1,
      onOverflow: (loss) => losses.push(loss.framesLost),
    }).subscribe((frame) => {
      frames.push(frame);
      if (frames.length === 5) {
        const until = performance.now() + 400; // block the event loop: the ring (100 ms) overflows
        while (performance.now() < until) {}
      }
    });
    await waitUntil(() => frames.length >= 30, 5_000, 'frames after the stall');
    subscription.unsubscribe();
    expect(losses.length).toBeGreaterThan(0);
    expect(losses.at(-1)).toBeGreaterThan(48_000 * 0.1);
    expect(captureStats().framesLost - lostBefore).toBeGreaterThanOrEqual(losses.at(-1)!);
    // Frames after the loss are timed by their own capture time: the gap shows in `time`.
    const gaps = frames.slice(1).map((frame, i) => frame.time - frames[i]!.time);
    expect(Math.max(...gaps)).toBeGreaterThan(0.1);
  });

  test('a JS thread blocked longer than timeoutSeconds is not taken for a stalled sound server', async () => {
    const frames: DeviceFrame[] = [];
    let failure: unknown;
    const subscription = openCapture(mono, { timeoutSeconds: 0.5, bufferSeconds: 2 }).subscribe({
      next: (frame) => {
        frames.push(frame);
        if (frames.length === 5) {
          // Three times the bound, in a timer: other expired timers run right after it, before any audio is drained.
          setTimeout(() => {
            const until = performance.now() + 1_500;
            while (performance.now() < until) {}
          }, 0);
        }
      },
      error: (error: unknown) => {
        failure = error;
      },
    });
    await waitUntil(() => frames.length >= 250 || failure !== undefined, 8_000, 'frames after the block');
    subscription.unsubscribe();
    expect(failure).toBeUndefined();
  });

  test('unplugging during capture ends it with DeviceLostError; the process lives on; replug works', async () => {
    const frames$ = openCapture(mono);
    const received: DeviceFrame[] = [];
    const ended = new Promise<unknown>((resolve) => {
      frames$.subscribe({
        next: (frame) => received.push(frame),
        error: resolve,
        complete: () => resolve('completed'),
      });
    });
    await waitUntil(() => received.length >= 10, 5_000, 'frames before the unplug');
    await rig().unplug();
    try {
      const error = await Promise.race([
        ended,
        new Promise((resolve) => setTimeout(() => resolve('no error within 5 s'), 5_000)),
      ]);
      expect(error).toBeInstanceOf(DeviceLostError);
      await waitUntil(() => captureStats().openStreams === 0, 3_000, 'the lost stream to close');
      // While unplugged, opening fails with a typed error instead of hanging or crashing.
      const openError = await collect(openCapture(mono), 1).catch((caught: unknown) => caught);
      expect(openError).toBeInstanceOf(DeviceNotFoundError);
    } finally {
      await rig().replug();
    }
    const [frame] = await collect(openCapture(mono), 1);
    expect(frame?.samples).toHaveLength(480);
  });

  test.each([
    ['process.exit() inside a frame', 'exit'],
    ['an uncaught exception inside a frame', 'throw'],
  ])('a process that ends by %s while capturing exits without a crash', async (_name, how) => {
    const script = `
      import { openCapture } from ${JSON.stringify(captureSource)};
      let n = 0;
      openCapture({ sampleRate: 48000, channels: 2, framesPerBuffer: 256 }).subscribe(() => {
        if (++n === 20) { ${how === 'exit' ? 'process.exit(7)' : "throw new Error('boom')"} }
      });
    `;
    const child = spawn(
      process.execPath,
      ['--conditions=@micgate/source', '--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: packageDir,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.on('exit', (exitCode, exitSignal) => {
        clearTimeout(timer);
        resolve({ code: exitCode, signal: exitSignal });
      });
    });
    expect(signal).toBeNull();
    expect(code, stderr).toBe(how === 'exit' ? 7 : 1);
    if (how === 'throw') expect(stderr).toContain('boom');
  });
});
