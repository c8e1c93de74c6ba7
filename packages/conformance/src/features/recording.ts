import { measureLevel } from '@micgate/core';
import { expect, test } from 'vitest';
import { STEP_MS, type SuiteContext } from '../context.js';
import { gapsIn } from '../recorder.js';
import { concat } from '../signal.js';

/** R7 and R8: a recording is real-time silence until the grant, then the device; the first one asks. */
export function recordingTests(c: SuiteContext): void {
  test('R7 record() paces frames in real time: zeros until the grant, then the device, positions unbroken', async () => {
    const session = c.open();
    await c.h.user.answerNextPrompt('grant', { delayMs: 400 });
    const started = c.h.clock.now();
    const recording = c.record(session);
    await c.waitFor('device audio after the grant', () => recording.device().length >= 10, 5_000);
    const elapsedMs = c.h.clock.now() - started;

    const { got } = recording;
    const firstDevice = got.findIndex((frame) => !frame.gated);
    expect(firstDevice).toBeGreaterThan(0);
    expect(got.slice(0, firstDevice).every((frame) => frame.gated && frame.allZero)).toBe(true);
    expect(got.slice(firstDevice).every((frame) => !frame.gated)).toBe(true);
    expect(measureLevel(concat(recording.device().map((frame) => frame.samples!))).rms).toBeGreaterThan(0.01);
    expect(gapsIn(got)).toEqual([]);
    expect(got[0]!.position).toBe(0);

    // Real-time pace: the audio delivered matches the time that passed, within a few buffers.
    const deliveredMs = ((got.at(-1)!.position + got.at(-1)!.frames) / c.h.format.sampleRate) * 1000;
    const tolerance = 3 * c.bufferMs() + c.slackMs();
    expect(deliveredMs).toBeGreaterThan(elapsedMs - tolerance);
    expect(deliveredMs).toBeLessThan(elapsedMs + tolerance);
    // The first (silent) buffer came about one buffer after subscribing, not after the prompt.
    expect(got[0]!.at - started).toBeLessThanOrEqual(c.bufferMs() + STEP_MS + c.slackMs());
  });

  test('R8 the first recording attempt asks once; silence flows while the prompt is open', async () => {
    const session = c.open();
    await c.h.user.answerNextPrompt('grant', { delayMs: 600 });
    const a = c.record(session);
    const b = c.record(session);
    const request = session.requestRecordPermission();
    await c.h.clock.advance(300);
    expect(await c.promptCount()).toBe(1);
    expect(a.got.length).toBeGreaterThan(0);
    expect(a.got.every((frame) => frame.gated && frame.allZero)).toBe(true);
    expect(await c.answerOf(request)).toBe(true);
    await c.waitFor('device audio', () => a.device().length > 0 && b.device().length > 0);
    expect(await c.promptCount()).toBe(1);
  });

  test('R8 after a denial at the first recording, silence goes on', async () => {
    const session = c.open();
    await c.h.user.answerNextPrompt('deny', { delayMs: 200 });
    const recording = c.record(session);
    await c.waitFor('the denial', () => session.recordPermission === 'denied');
    const mark = recording.got.length;
    await c.waitFor('more silence', () => recording.got.length >= mark + 5);
    expect(recording.got.every((frame) => frame.gated && frame.allZero)).toBe(true);
    expect(await c.h.device.isOpen()).toBe(false);
    expect(recording.error).toBeUndefined();
  });
}
