import { DEVICE_SILENT_SECONDS } from '@micgate/core';
import { expect, test } from 'vitest';
import type { SuiteContext } from '../context.js';

/** The flag must come within this long of exact zeros starting (the bound). */
const FLAG_WITHIN_MS = 1_500;

/** Exact digital zeros from a granted device for about a second are flagged 'device-silent'; quiet audio never is. */
export function deviceSilenceTests(c: SuiteContext): void {
  test('device silence: exact zeros are flagged device-silent within 1.5 s, quiet audio never, and audio clears it', async (ctx) => {
    c.requiresRig(ctx, 'playSilence');
    await c.h.device.playSine(1_000);
    await c.grantedBefore();
    const session = c.open();
    const recording = c.record(session);
    await c.waitFor('device audio', () => recording.device().length >= 5, 8_000);

    await c.h.device.playQuiet!();
    const quietFrom = recording.got.length;
    const quietAt = c.h.clock.now();
    await c.waitFor('2.5 s of quiet audio', () => c.h.clock.now() - quietAt >= 2_500, 5_000);
    const quiet = recording.got.slice(quietFrom);
    expect(
      quiet.some((frame) => !frame.allZero),
      'the quiet signal is not exact zeros',
    ).toBe(true);
    expect(quiet.filter((frame) => frame.silence === 'device-silent')).toEqual([]);

    // Taken before the call: the zeros may reach the device before playSilence() resolves.
    const silentFrom = recording.got.length;
    const silentAt = c.h.clock.now();
    await c.h.device.playSilence!();
    await c.waitFor('device-silent', () => session.silence === 'device-silent', FLAG_WITHIN_MS);
    const flagged = recording.got.findIndex((frame, i) => i >= silentFrom && frame.silence === 'device-silent');
    expect(flagged).toBeGreaterThanOrEqual(silentFrom);
    expect(recording.got[flagged]!.at - silentAt).toBeLessThanOrEqual(FLAG_WITHIN_MS + c.slackMs());
    // Not before a second of exact zeros: the frames before the flag hold at least that many.
    const zerosBefore = recording.got.slice(0, flagged + 1).reverse();
    const run = zerosBefore.findIndex((frame) => !frame.allZero);
    const zeroFrames = (run === -1 ? zerosBefore.length : run) * c.h.format.framesPerBuffer;
    expect(zeroFrames).toBeGreaterThanOrEqual(DEVICE_SILENT_SECONDS * c.h.format.sampleRate);
    expect(recording.got.slice(flagged).filter((frame) => frame.gated || !frame.allZero)).toEqual([]);

    await c.h.device.playSine(1_000);
    await c.waitFor('device audio again', () => session.silence === undefined, 2_000);
    expect(recording.got.at(-1)!.allZero).toBe(false);
  });
}
