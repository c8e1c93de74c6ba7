import { ErrorCode } from '@micgate/core';
import { expect, test } from 'vitest';
import { CONFORMANCE_PURPOSE, type SuiteContext } from '../context.js';
import { watchPermission } from '../recorder.js';

/** R11: one shared device, released after the last subscriber; session.close() and adapter.close() release everything. */
export function lifecycleTests(c: SuiteContext): void {
  const closedError = expect.objectContaining({ code: ErrorCode.SessionClosed });

  test('R11 one device stream is shared by every subscriber and closed after the last one leaves', async () => {
    await c.grantedBefore();
    const session = c.open();
    const a = c.record(session);
    const b = c.record(session);
    await c.waitFor('device audio for both', () => a.device().length >= 3 && b.device().length >= 3);
    const shared = a.device().filter((frame) => b.device().some((other) => other.frame === frame.frame));
    expect(shared.length).toBeGreaterThanOrEqual(3);
    a.stop();
    const mark = b.got.length;
    await c.waitFor('the remaining subscriber to go on', () => b.got.length >= mark + 3);
    expect(await c.h.device.isOpen()).toBe(true);
    b.stop();
    await c.waitFor(
      'the device to close after the last subscriber',
      async () => !(await c.h.device.isOpen()),
      c.bufferMs() * 2,
    );
  });

  test('R11 close() ends recordings, pending requests and the permission stream', async () => {
    await c.grantedBefore();
    const session = c.open();
    const keptByTheApp = session.record(c.h.format);
    const recording = c.record(session);
    const watch = watchPermission(session);
    await c.waitFor('device audio', () => recording.device().length >= 2);
    session.close();
    expect(recording.completed).toBe(true);
    expect(watch.completed()).toBe(true);
    await c.waitFor('the device to close', async () => !(await c.h.device.isOpen()), c.bufferMs() * 2);
    const count = recording.got.length;
    await c.h.clock.advance(c.bufferMs() * 3);
    expect(recording.got.length).toBe(count);
    expect(() => session.record()).toThrow(closedError);
    expect(await c.rejectionOf(session.requestRecordPermission())).toEqual(closedError);
    // A stream the app kept from before close() starts nothing when subscribed after it.
    let lateError: unknown;
    const late = keptByTheApp.subscribe({ error: (error: unknown) => (lateError = error) });
    await c.h.clock.advance(c.bufferMs() * 3);
    expect(lateError).toEqual(closedError);
    expect(late.closed).toBe(true);
    expect(await c.h.device.isOpen()).toBe(false);
    expect(await c.promptCount()).toBe(0);
  });

  test('R11 close() settles a request whose prompt is still open', async () => {
    const session = c.open();
    await c.h.user.answerNextPrompt('grant', { delayMs: 500 });
    const pending = session.requestRecordPermission();
    const callbacks: [boolean, unknown][] = [];
    session.requestRecordPermission((granted, error) => callbacks.push([granted, error]));
    await c.h.clock.advance(100);
    session.close();
    expect(await c.rejectionOf(pending)).toEqual(closedError);
    await c.waitFor('the callback', () => callbacks.length > 0);
    expect(callbacks[0]).toEqual([false, closedError]);
    // The user still answers; the platform remembers it.
    await c.waitFor('the prompt to be answered', async () => (await c.h.adapter.status()) === 'granted', 2_000);
  });

  test('R11 session.close() leaves the adapter working for the app’s other sessions', async () => {
    await c.grantedBefore();
    c.open().close();
    const other = c.open();
    expect(await c.answerOf(other.requestRecordPermission())).toBe(true);
    const recording = c.record(other);
    await c.waitFor('device audio in the other session', () => recording.device().length >= 2);
  });

  test('R11 adapter.close() closes an open prompt: it resolves undetermined and nothing is remembered', async (ctx) => {
    const { adapter } = c.h;
    c.requires(
      ctx,
      typeof adapter.close === 'function',
      `the ${c.name} adapter has no close(): it holds nothing that outlives its sessions`,
    );
    const prompt = adapter.prompt({ usageDescription: CONFORMANCE_PURPOSE });
    await c.waitFor('the prompt to open', async () => (await c.promptCount()) === 1);
    adapter.close!();
    expect(await c.outcome(prompt, 'the closed prompt to settle', 2_000)).toEqual({ value: 'undetermined' });
    expect(await c.status()).toBe('undetermined');
  });
}
