import { expect, test } from 'vitest';
import { CONFORMANCE_PURPOSE, type SuiteContext } from '../context.js';

/** R4: one open prompt, shared by every request of the app, whose own answer is used. */
export function promptTests(c: SuiteContext): void {
  test('R4 concurrent requests share one prompt and one answer', async () => {
    const session = c.open();
    await c.h.user.answerNextPrompt('grant', { delayMs: 300 });
    const callbacks: boolean[] = [];
    const first = session.requestRecordPermission();
    session.requestRecordPermission((granted) => callbacks.push(granted));
    await c.h.clock.advance(50);
    const second = session.requestRecordPermission();
    expect(await c.answerOf(first)).toBe(true);
    expect(await c.answerOf(second)).toBe(true);
    await c.waitFor('the callback', () => callbacks.length > 0);
    expect(callbacks).toEqual([true]);
    const prompts = await c.h.user.prompts();
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toContain(CONFORMANCE_PURPOSE);
  });

  test('R4 two sessions of one app on one adapter share one open prompt', async () => {
    const a = c.open();
    const b = c.open();
    await c.h.user.answerNextPrompt('grant', { delayMs: 300 });
    const first = a.requestRecordPermission();
    await c.h.clock.advance(50);
    const second = b.requestRecordPermission();
    expect(await c.answerOf(first)).toBe(true);
    expect(await c.answerOf(second)).toBe(true);
    expect(await c.promptCount()).toBe(1);
    expect(a.recordPermission).toBe('granted');
    expect(b.recordPermission).toBe('granted');
  });

  test('R4 the answer comes from the prompt: a denial answers false to everyone waiting', async () => {
    const session = c.open();
    await c.h.user.answerNextPrompt('deny', { delayMs: 200 });
    const answers = await Promise.all([
      c.answerOf(session.requestRecordPermission()),
      c.answerOf(session.requestRecordPermission()),
    ]);
    expect(answers).toEqual([false, false]);
    expect(session.recordPermission).toBe('denied');
    expect(await c.promptCount()).toBe(1);
  });

  test('R4 the adapter’s prompt resolves with the user’s answer itself', async () => {
    await c.h.user.answerNextPrompt('grant', { delayMs: 100 });
    const answer = await c.outcome(c.h.adapter.prompt({ usageDescription: CONFORMANCE_PURPOSE }), 'the prompt');
    expect(answer).toEqual({ value: 'granted' });
    expect(await c.status()).toBe('granted');
  });

  test('R4 a dismissed prompt answers false and leaves the decision open', async (ctx) => {
    c.requiresRig(ctx, 'dismiss');
    const session = c.open();
    await c.h.user.answerNextPrompt('dismiss', { delayMs: 100 });
    expect(await c.answerOf(session.requestRecordPermission())).toBe(false);
    expect(session.recordPermission).toBe('undetermined');
    await c.h.user.answerNextPrompt('grant', { delayMs: 100 });
    expect(await c.answerOf(session.requestRecordPermission())).toBe(true);
    expect(await c.promptCount()).toBe(2);
  });
}
