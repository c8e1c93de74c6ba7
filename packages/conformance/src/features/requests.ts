import { expect, test } from 'vitest';
import type { SuiteContext } from '../context.js';

/** R1–R3: reading the decision never prompts; requests answer once, later; answers are remembered. */
export function requestTests(c: SuiteContext): void {
  test('R1 status() and recordPermission never prompt', async () => {
    const session = c.open();
    expect(session.recordPermission).toBe('undetermined');
    expect(await c.outcome(c.h.adapter.status(), 'status()')).toEqual({ value: 'undetermined' });
    await c.h.clock.advance(100);
    for (let i = 0; i < 3; i++) expect(await c.status()).toBe('undetermined');
    expect(await c.known(session)).toBe('undetermined');
    expect(session.recordPermission).toBe('undetermined');
    expect(await c.promptCount()).toBe(0);

    await c.h.user.answerNextPrompt('deny');
    expect(await c.answerOf(session.requestRecordPermission())).toBe(false);
    expect(await c.status()).toBe('denied');
    expect(session.recordPermission).toBe('denied');
    expect(await c.promptCount()).toBe(1);
  });

  test('R2 requestRecordPermission returns at once and responds exactly once, never synchronously', async () => {
    const session = c.open();
    await c.h.user.answerNextPrompt('grant', { delayMs: 50 });
    const calls: boolean[] = [];
    const returned = session.requestRecordPermission((granted) => calls.push(granted));
    expect(returned).toBeUndefined();
    expect(calls).toEqual([]);
    await c.waitFor('the response', () => calls.length > 0);
    await c.h.clock.advance(100);
    expect(calls).toEqual([true]);

    // Already decided: still never inside the call.
    const again: boolean[] = [];
    session.requestRecordPermission((granted) => again.push(granted));
    expect(again).toEqual([]);
    const promise = session.requestRecordPermission();
    expect(promise).toBeInstanceOf(Promise);
    await c.waitFor('the second response', () => again.length > 0);
    expect(await c.answerOf(promise)).toBe(true);
    await c.h.clock.advance(50);
    expect(again).toEqual([true]);
  });

  test('R3 an answer already given is returned without a prompt', async () => {
    const session = c.open();
    await c.h.user.answerNextPrompt('grant');
    expect(await c.answerOf(session.requestRecordPermission())).toBe(true);
    for (let i = 0; i < 3; i++) expect(await c.answerOf(session.requestRecordPermission())).toBe(true);
    expect(await c.promptCount()).toBe(1);
  });

  test('R3 a decision made before the app started is returned without a prompt', async () => {
    await c.h.user.setDecisionOutsideApp('denied');
    const session = c.open();
    expect(await c.answerOf(session.requestRecordPermission())).toBe(false);
    expect(session.recordPermission).toBe('denied');
    expect(await c.promptCount()).toBe(0);
  });
}
