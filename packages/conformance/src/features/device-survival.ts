import { ErrorCode } from '@micgate/core';
import { expect, test } from 'vitest';
import type { SuiteContext } from '../context.js';
import { gapsIn, type Received } from '../recorder.js';
import { channelOf, concat, measureTone } from '../signal.js';

/** How long the suite keeps the input unplugged. */
const GONE_MS = 1_500;
/** The bound: audio again within 1 s of the replug. */
const BACK_WITHIN_MS = 1_000;

/** Consecutive runs of one label: what a listener hears, in order. */
function runsOf(got: readonly Received[]): { label: string; frames: Received[] }[] {
  const runs: { label: string; frames: Received[] }[] = [];
  for (const frame of got) {
    const label = frame.gated ? (frame.silence ?? 'gated') : 'audio';
    const last = runs.at(-1);
    if (last?.label === label) last.frames.push(frame);
    else runs.push({ label, frames: [frame] });
  }
  return runs;
}

/** onDeviceLost: 'wait' (the default) keeps the recording across a lost input; 'end' ends it with DeviceLostError. */
export function deviceSurvivalTests(c: SuiteContext): void {
  const toneOf = (frames: readonly Received[]) =>
    measureTone(channelOf(concat(frames.map((frame) => frame.samples!)), c.h.format.channels), c.h.format.sampleRate);

  test('device survival: by default one subscription lives through an unplug: tone, device-lost zeros exactly while gone, tone again within 1 s of the replug, positions unbroken', async (ctx) => {
    c.requiresRig(ctx, 'unplug');
    const played = await c.h.device.playSine(1_000);
    await c.grantedBefore();
    const session = c.open();
    const recording = c.record(session);
    const settle = Math.ceil((0.25 * c.h.format.sampleRate) / c.h.format.framesPerBuffer);
    const enough = settle + Math.ceil((0.3 * c.h.format.sampleRate) / c.h.format.framesPerBuffer);
    await c.waitFor('device audio before the unplug', () => recording.device().length >= enough, 8_000);
    const unplugAt = c.h.clock.now();
    await c.h.device.unplug!();
    const unpluggedAt = c.h.clock.now();
    await c.waitFor('gated device-lost frames', () => recording.got.at(-1)?.silence === 'device-lost');
    expect(session.silence).toBe('device-lost');
    await c.h.clock.advance(Math.max(0, GONE_MS - (c.h.clock.now() - unplugAt)));
    const replugAt = c.h.clock.now();
    await c.h.device.replug!();
    const audioAgain = () => recording.got.filter((frame) => !frame.gated && frame.at >= replugAt);
    await c.waitFor('device audio after the replug', () => audioAgain().length >= enough, BACK_WITHIN_MS + 8_000);

    expect(recording.error).toBeUndefined();
    expect(recording.completed).toBe(false);
    expect(gapsIn(recording.got)).toEqual([]);
    // From the first device audio on (before it: the start-up's device-starting).
    const all = runsOf(recording.got);
    const runs = all.slice(all.findIndex((run) => run.label === 'audio'));
    // Audio, then the gone stretch (device-lost, maybe device-starting while it reopens), then audio again.
    const labels = runs.map((run) => run.label);
    expect(labels[0]).toBe('audio');
    expect(labels.at(-1)).toBe('audio');
    expect(labels.slice(1, -1).filter((label) => label !== 'device-starting')).toEqual(['device-lost']);
    const gone = runs.slice(1, -1).flatMap((run) => run.frames);
    expect(gone.every((frame) => frame.gated && frame.allZero)).toBe(true);
    // Zeros exactly while gone: every buffer that arrived between the unplug and the replug is silence...
    const slack = c.slackMs() + 2 * c.bufferMs();
    const whileGone = recording.got.filter((frame) => frame.at > unpluggedAt + slack && frame.at < replugAt);
    expect(whileGone.length).toBeGreaterThan(0);
    expect(whileGone.filter((frame) => !frame.gated)).toEqual([]);
    // ...and the zeros last as long as the input was gone (paced, not a burst or a pause), give or take the reopen.
    const goneMs = gone.length * c.bufferMs();
    expect(goneMs).toBeGreaterThanOrEqual(replugAt - unpluggedAt - slack);
    expect(goneMs).toBeLessThanOrEqual(replugAt - unplugAt + BACK_WITHIN_MS + slack);
    // Back within the bound, carrying the tone before and after.
    const firstBack = runs.at(-1)!.frames[0]!;
    expect(firstBack.at - replugAt, 'ms from the replug to device audio').toBeLessThanOrEqual(
      BACK_WITHIN_MS + c.slackMs(),
    );
    for (const part of [runs[0]!.frames.slice(settle), runs.at(-1)!.frames.slice(settle)]) {
      const { frequency } = toneOf(part);
      expect(Math.abs(frequency - played.frequency) / played.frequency, `measured ${frequency} Hz`).toBeLessThan(0.01);
    }
    expect(session.silence).toBe(undefined);
  });

  test(`device survival: onDeviceLost 'end' ends the recording with ${ErrorCode.DeviceLost} on an unplug`, async (ctx) => {
    c.requiresRig(ctx, 'unplug');
    await c.grantedBefore();
    const session = c.open();
    const recording = c.record(session, { ...c.h.format, onDeviceLost: 'end' });
    await c.waitFor('device audio', () => recording.device().length >= 3, 8_000);
    await c.h.device.unplug!();
    await c.waitFor(ErrorCode.DeviceLost, () => recording.error !== undefined);
    expect(recording.error).toMatchObject({ code: ErrorCode.DeviceLost });
    expect(gapsIn(recording.got)).toEqual([]);
    expect(recording.got.filter((frame) => frame.silence === 'device-lost')).toEqual([]);
  });
}
