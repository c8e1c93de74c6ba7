import { expect, test } from 'vitest';
import type { SuiteContext } from '../context.js';

/** R14: a request the app abandons rejects with the standard AbortError; the user's answer still counts. */
export function abortTests(c: SuiteContext): void {
  // AbortError is the platform's DOMException, not a micgate error: its name is its contract.
  const aborted = expect.objectContaining({ name: 'AbortError' });

  test('R14 an abandoned request rejects with AbortError; the prompt still records the answer', async () => {
    const session = c.open();
    await c.h.user.answerNextPrompt('grant', { delayMs: 600 });
    const controller = new AbortController();
    const request = session.requestRecordPermission({ signal: controller.signal });
    await c.h.clock.advance(100);
    controller.abort();
    const abortedAt = c.h.clock.now();
    expect(await c.rejectionOf(request, 'the abandoned request to reject')).toEqual(aborted);
    expect(c.h.clock.now() - abortedAt).toBeLessThan(200 + c.slackMs());
    await c.waitFor('the prompt to be answered', () => session.recordPermission === 'granted', 3_000);
    expect(await c.answerOf(session.requestRecordPermission())).toBe(true);
    expect(await c.promptCount()).toBe(1);
  });

  test('R14 an already aborted signal rejects at once and shows no prompt', async () => {
    const session = c.open();
    const request = session.requestRecordPermission({ signal: AbortSignal.abort() });
    expect(await c.rejectionOf(request)).toEqual(aborted);
    await c.h.clock.advance(100);
    expect(await c.promptCount()).toBe(0);
  });
}
