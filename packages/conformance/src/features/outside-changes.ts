import { expect, test } from 'vitest';
import { STEP_MS, type SuiteContext } from '../context.js';
import { gapsIn, watchPermission } from '../recorder.js';

/** R6 and R9: denied is final for the app; decisions made outside it reach a running session. */
export function outsideChangeTests(c: SuiteContext): void {
  test('R6 denied is final for the app: asking again answers false without a prompt', async () => {
    const session = c.open();
    await c.h.user.answerNextPrompt('deny');
    expect(await c.answerOf(session.requestRecordPermission())).toBe(false);
    for (let i = 0; i < 3; i++) expect(await c.answerOf(session.requestRecordPermission())).toBe(false);
    expect(await c.promptCount()).toBe(1);
    expect(session.recordPermission).toBe('denied');
  });

  test('R6 only a change outside the app re-enables recording, and a reset asks again', async (ctx) => {
    c.requiresChanges(ctx);
    const session = c.open();
    await c.h.user.answerNextPrompt('deny');
    expect(await c.answerOf(session.requestRecordPermission())).toBe(false);
    const watch = watchPermission(session);
    expect(await c.answerOf(session.requestRecordPermission())).toBe(false);

    await c.h.user.setDecisionOutsideApp('granted');
    await c.waitFor('recordPermission$ to emit granted', () => watch.values.includes('granted'));
    expect(watch.values).toEqual(['denied', 'granted']);
    expect(session.recordPermission).toBe('granted');
    expect(await c.answerOf(session.requestRecordPermission())).toBe(true);

    await c.h.user.setDecisionOutsideApp('undetermined');
    await c.waitFor('recordPermission$ to emit undetermined', () => watch.values.at(-1) === 'undetermined');
    await c.h.user.answerNextPrompt('grant');
    expect(await c.answerOf(session.requestRecordPermission())).toBe(true);
    expect(await c.promptCount()).toBe(2);
    watch.stop();
  });

  test('R9 revoked while recording: zeros within one buffer and the device closed; a new grant resumes it', async (ctx) => {
    c.requiresChanges(ctx);
    await c.grantedBefore();
    const session = c.open();
    const recording = c.record(session);
    await c.waitFor('device audio', () => recording.device().length >= 5);
    expect(await c.h.device.isOpen()).toBe(true);

    const watch = watchPermission(session);
    await c.h.user.setDecisionOutsideApp('denied');
    await c.waitFor('the revocation to reach the session', () => watch.values.includes('denied'));
    const revokedAt = recording.got.length;
    const revokedTime = c.h.clock.now();
    await c.waitFor('silence after the revocation', () => recording.got.length >= revokedAt + 3);
    expect(recording.got.slice(revokedAt).every((frame) => frame.gated && frame.allZero)).toBe(true);
    await c.waitFor('the device to close', async () => !(await c.h.device.isOpen()), c.bufferMs());
    expect(c.h.clock.now() - revokedTime).toBeLessThanOrEqual(c.bufferMs() * 3 + STEP_MS + c.slackMs());

    await c.h.user.setDecisionOutsideApp('granted');
    const regrantedAt = recording.got.length;
    await c.waitFor('device audio again, on the same subscription', () =>
      recording.got.slice(regrantedAt).some((frame) => !frame.gated),
    );
    expect(recording.error).toBeUndefined();
    expect(gapsIn(recording.got)).toEqual([]);
    watch.stop();
  });
}
