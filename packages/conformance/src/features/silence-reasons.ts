import { expect, test } from 'vitest';
import type { SuiteContext } from '../context.js';
import { watchSilence } from '../recorder.js';

/** Every gated frame says why, the same on every adapter: not asked, prompt open, denied, device starting. */
export function silenceReasonTests(c: SuiteContext): void {
  test('silence reasons: before anything is asked the session says not-asked', async () => {
    const session = c.open();
    expect(await c.known(session)).toBe('undetermined');
    expect(session.silence).toBe('not-asked');
  });

  test('silence reasons: frames say prompt-open while the prompt is open, device-starting after the grant, then none', async () => {
    await c.h.device.playSine(1_000);
    await c.h.user.answerNextPrompt('grant', { delayMs: 400 });
    const session = c.open();
    const states = watchSilence(session);
    const recording = c.record(session);
    const startedAt = c.h.clock.now();
    await c.waitFor('the prompt to be open for 250 ms', () => c.h.clock.now() - startedAt >= 250);
    const whileAsking = recording.got.length;
    expect(whileAsking).toBeGreaterThan(0);
    expect(recording.got.map((frame) => frame.silence).filter((why) => why !== 'prompt-open')).toEqual([]);
    await c.waitFor('device audio after the grant', () => recording.device().length > 0, 8_000);
    const firstDevice = recording.got.findIndex((frame) => !frame.gated);
    const afterGrant = recording.got.slice(whileAsking, firstDevice).filter((frame) => frame.silence !== 'prompt-open');
    expect(afterGrant.length, 'gated frames between the grant and the device’s first buffer').toBeGreaterThan(0);
    expect(afterGrant.filter((frame) => !frame.gated || frame.silence !== 'device-starting')).toEqual([]);
    expect(recording.device().filter((frame) => frame.silence !== undefined)).toEqual([]);
    expect(states.values.slice(0, 2)).toEqual(['not-asked', 'prompt-open']);
    expect(states.values).toContain('device-starting');
    expect(states.values.at(-1)).toBe(undefined);
    expect(session.silence).toBe(undefined);
  });

  test('silence reasons: a denied recording says denied on every frame and on the session', async () => {
    await c.h.user.setDecisionOutsideApp('denied');
    const session = c.open();
    const recording = c.record(session);
    await c.waitFor('five gated frames', () => recording.got.length >= 5);
    expect(recording.got.filter((frame) => !frame.gated || frame.silence !== 'denied')).toEqual([]);
    expect(session.silence).toBe('denied');
  });

  test('silence reasons: a recording failed on a lost device (onDeviceLost end) leaves the session saying device-lost', async (ctx) => {
    c.requiresRig(ctx, 'lost');
    await c.grantedBefore();
    const session = c.open();
    const recording = c.record(session, { ...c.h.format, onDeviceLost: 'end' });
    await c.waitFor('device audio', () => recording.device().length >= 3, 8_000);
    expect(session.silence).toBe(undefined);
    await c.h.device.injectFault!('lost');
    await c.waitFor('the recording to fail', () => recording.error !== undefined);
    expect(recording.error).toMatchObject({ code: 'ERR_MICGATE_DEVICE_LOST' });
    expect(session.silence).toBe('device-lost');
  });

  test('silence reasons: a dismissed prompt leaves the recording saying not-asked', async (ctx) => {
    c.requiresRig(ctx, 'dismiss');
    await c.h.user.answerNextPrompt('dismiss', { delayMs: 100 });
    const session = c.open();
    const recording = c.record(session);
    await c.waitFor('a not-asked frame after the dismissal', () =>
      recording.got.some((frame) => frame.silence === 'not-asked'),
    );
    const dismissedAt = recording.got.findIndex((frame) => frame.silence === 'not-asked');
    const count = recording.got.length;
    await c.waitFor('five more frames', () => recording.got.length >= count + 5);
    expect(recording.got.slice(dismissedAt).filter((frame) => !frame.gated || frame.silence !== 'not-asked')).toEqual(
      [],
    );
    expect(session.silence).toBe('not-asked');
  });
}
