import type { AudioFormat, DeviceFrame } from '@micgate/core';
import { expect, test } from 'vitest';
import type { SuiteContext } from '../context.js';
import { gapsIn } from '../recorder.js';
import { channelOf, concat, measureTone } from '../signal.js';

/** How long the rate of delivered audio is measured against the wall clock. */
const RATE_WINDOW_MS = 2_000;

/** What the device delivers: the signal, exact zeros while gated, the asked buffers, in real time. */
export function captureTests(c: SuiteContext): void {
  /** Device buffers to skip before measuring: a device's start-up is not its steady state. */
  const settleFrames = (format: AudioFormat = c.h.format) =>
    Math.ceil((0.25 * format.sampleRate) / format.framesPerBuffer);

  test('capture: a known sine arrives at its frequency and level after the grant', async () => {
    const played = await c.h.device.playSine(1_000);
    await c.grantedBefore();
    const session = c.open();
    const recording = c.record(session);
    const measureFrames = Math.ceil((1 * c.h.format.sampleRate) / c.h.format.framesPerBuffer);
    await c.waitFor(
      'a second of device audio',
      () => recording.device().length >= settleFrames() + measureFrames,
      8_000,
    );
    const audio = concat(
      recording
        .device()
        .slice(settleFrames())
        .map((frame) => frame.samples!),
    );
    // Median over 100 ms windows: a device's one-off start-up glitch must not decide the result.
    const { frequency, rms } = measureTone(channelOf(audio, c.h.format.channels), c.h.format.sampleRate);
    expect(Math.abs(frequency - played.frequency) / played.frequency, `measured ${frequency} Hz`).toBeLessThan(0.01);
    expect(Math.abs(rms - played.rms) / played.rms, `measured RMS ${rms}`).toBeLessThan(0.1);
  });

  test('capture: every gated sample is exactly zero', async () => {
    await c.h.device.playSine(1_000);
    await c.h.user.setDecisionOutsideApp('denied');
    const session = c.open();
    const recording = c.record(session);
    const wanted = Math.ceil((0.5 * c.h.format.sampleRate) / c.h.format.framesPerBuffer);
    await c.waitFor('half a second of silence', () => recording.got.length >= wanted);
    expect(recording.got.every((frame) => frame.gated)).toBe(true);
    expect(recording.got.filter((frame) => !frame.allZero)).toEqual([]);
    expect(await c.h.device.isOpen()).toBe(false);
  });

  for (const framesPerBuffer of [256, 1024]) {
    test(`capture: ${framesPerBuffer}-frame buffers arrive as asked, positions continuous`, async () => {
      await c.grantedBefore();
      const session = c.open();
      const format = { ...c.h.format, framesPerBuffer };
      const recording = c.record(session, format);
      await c.waitFor('device audio', () => recording.device().length >= 8);
      for (const frame of recording.got) {
        expect(frame).toMatchObject({
          frames: framesPerBuffer,
          sampleRate: format.sampleRate,
          channels: format.channels,
        });
        expect(frame.length).toBe(framesPerBuffer * format.channels);
      }
      expect(gapsIn(recording.got)).toEqual([]);
      const times = recording.device().map((frame) => frame.frame.time);
      expect(times.every((time, i) => i === 0 || time > times[i - 1]!)).toBe(true);
    });
  }

  test('capture: the adapter’s own capture() delivers exactly the asked format, buffer after buffer', async () => {
    await c.grantedBefore();
    for (const framesPerBuffer of [c.h.format.framesPerBuffer, 256]) {
      const format = { ...c.h.format, framesPerBuffer };
      const frames: Pick<DeviceFrame, 'frames' | 'sampleRate' | 'channels'>[] = [];
      const lengths: number[] = [];
      let failure: unknown;
      // The session sets AudioFrame.frames itself; this reads what the adapter delivers.
      const subscription = c.h.adapter.capture(format).subscribe({
        next: ({ frames: count, sampleRate, channels, samples }) => {
          frames.push({ frames: count, sampleRate, channels });
          lengths.push(samples.length);
        },
        error: (error: unknown) => {
          failure = error;
        },
      });
      try {
        await c.waitFor(`${framesPerBuffer}-frame device buffers`, () => frames.length >= 8 || failure !== undefined);
        expect(failure).toBeUndefined();
        const wanted = { frames: framesPerBuffer, sampleRate: format.sampleRate, channels: format.channels };
        expect(
          frames.filter(
            (frame) =>
              frame.frames !== wanted.frames ||
              frame.sampleRate !== wanted.sampleRate ||
              frame.channels !== wanted.channels,
          ),
        ).toEqual([]);
        expect(lengths.filter((length) => length !== framesPerBuffer * format.channels)).toEqual([]);
      } finally {
        subscription.unsubscribe();
      }
      await c.waitFor('the device to close', async () => !(await c.h.device.isOpen()), c.bufferMs(format) * 2);
    }
  });

  test('capture: each device buffer’s time is one buffer after the one before (none dropped or repeated)', async () => {
    await c.grantedBefore();
    const session = c.open();
    const recording = c.record(session);
    const wanted = settleFrames() + Math.ceil((0.5 * c.h.format.sampleRate) / c.h.format.framesPerBuffer);
    await c.waitFor('device audio', () => recording.device().length >= wanted, 8_000);
    const durationMs = c.bufferMs();
    const toleranceMs = c.h.timing?.timeToleranceMs ?? durationMs / 4;
    // From the steady state on, as the other capture checks: a device's start-up is not its pace.
    const times = recording
      .device()
      .slice(settleFrames())
      .map((frame) => frame.frame.time * 1000);
    const strays: string[] = [];
    for (let i = 1; i < times.length; i++) {
      const stepMs = times[i]! - times[i - 1]!;
      if (Math.abs(stepMs - durationMs) > toleranceMs) strays.push(`buffer ${i}: +${stepMs.toFixed(2)} ms`);
    }
    expect(strays, `each buffer should advance ${durationMs.toFixed(2)} ± ${toleranceMs.toFixed(2)} ms`).toEqual([]);
  });

  test(`capture: device audio arrives at the real-time rate, measured over ${RATE_WINDOW_MS / 1000} s of wall clock`, async () => {
    await c.grantedBefore();
    const session = c.open();
    const recording = c.record(session);
    await c.waitFor('device audio', () => recording.device().length > settleFrames(), 8_000);
    const start = recording.device()[settleFrames()]!;
    // Until a buffer arrives 2 s of wall clock after the start buffer (a stalled device times out here).
    await c.waitFor(
      `a device buffer ${RATE_WINDOW_MS} ms of wall clock after the device started`,
      () => recording.device().at(-1)!.at - start.at >= RATE_WINDOW_MS,
      RATE_WINDOW_MS + 1_000,
    );
    const device = recording.device();
    const last = device.at(-1)!;
    const elapsedMs = last.at - start.at;
    // Audio delivered after the start buffer, up to the last buffer's arrival.
    const deliveredMs =
      ((last.position + last.frames - (start.position + start.frames)) / c.h.format.sampleRate) * 1000;
    const rateTolerance = c.h.timing?.rateTolerance ?? 0.1;
    const allowedMs = rateTolerance * elapsedMs + c.bufferMs();
    expect(
      Math.abs(deliveredMs - elapsedMs),
      `${deliveredMs.toFixed(0)} ms of audio in ${elapsedMs.toFixed(0)} ms (${(deliveredMs / elapsedMs).toFixed(2)}× real time)`,
    ).toBeLessThanOrEqual(allowedMs);
  });

  test('capture: the device is not opened before the grant, nor after a denial', async (ctx) => {
    c.requiresRig(ctx, 'observeDeviceOpen');
    const opens = () => c.h.device.opens!();
    /** Record while the user takes 400 ms to answer; for the first 250 ms the prompt is surely open. */
    const whileAsking = async (session: ReturnType<typeof c.open>, answer: 'grant' | 'deny') => {
      await c.h.user.answerNextPrompt(answer, { delayMs: 400 });
      const recording = c.record(session);
      const startedAt = c.h.clock.now();
      await c.waitFor('the prompt to be open for 250 ms', async () => {
        expect(await opens(), 'device opens while the prompt is open').toBe(0);
        return c.h.clock.now() - startedAt >= 250;
      });
      return recording;
    };

    const first = c.open();
    const denied = await whileAsking(first, 'deny');
    await c.waitFor('the denial', () => first.recordPermission === 'denied');
    const deniedAt = c.h.clock.now();
    await c.waitFor('half a second after the denial', () => c.h.clock.now() - deniedAt >= 500);
    expect(await opens(), 'device opens after the denial').toBe(0);
    expect(denied.got.length).toBeGreaterThan(0);
    denied.stop();
    first.close();

    // The decision reset outside the app, a new start, and this time a grant: the device opens after it.
    await c.h.user.setDecisionOutsideApp('undetermined');
    const second = c.open({}, await c.relaunch());
    const granted = await whileAsking(second, 'grant');
    await c.waitFor('device audio after the grant', () => granted.device().length > 0);
    expect(second.recordPermission).toBe('granted');
    expect(await opens()).toBeGreaterThanOrEqual(1);
  });
}
