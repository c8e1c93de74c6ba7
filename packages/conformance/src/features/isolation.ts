import { config as rxjsConfig } from 'rxjs';
import { expect, test } from 'vitest';
import type { SuiteContext } from '../context.js';
import { gapsIn } from '../recorder.js';

/** R13: an app's throwing callback or observer breaks nothing else. */
export function isolationTests(c: SuiteContext): void {
  test('R13 a response callback that throws does not break the session for other callers', async () => {
    const thrown: unknown[] = [];
    const session = c.open({ onError: (error) => thrown.push(error) });
    await c.h.user.answerNextPrompt('grant', { delayMs: 100 });
    session.requestRecordPermission(() => {
      throw new Error('app bug');
    });
    const others: boolean[] = [];
    session.requestRecordPermission((granted) => others.push(granted));
    const promise = session.requestRecordPermission();
    expect(await c.answerOf(promise)).toBe(true);
    await c.waitFor('the other callback', () => others.length > 0);
    expect(others).toEqual([true]);
    expect(thrown).toEqual([expect.objectContaining({ message: 'app bug' })]);
    expect(await c.answerOf(session.requestRecordPermission())).toBe(true);
  });

  test('R13 an observer that throws does not stop the stream for other subscribers, nor crash the app', async () => {
    await c.grantedBefore();
    // A safety net only: what reaches RxJS's unhandled-error path would end a Node process.
    const unhandled: unknown[] = [];
    const previous = rxjsConfig.onUnhandledError;
    rxjsConfig.onUnhandledError = (error) => unhandled.push(error);
    try {
      const reported: unknown[] = [];
      const session = c.open({ onError: (error) => reported.push(error) });
      const faulty = session.record(c.h.format).subscribe(() => {
        throw new Error('observer bug');
      });
      const healthy = c.record(session);
      await c.waitFor('device audio for the healthy subscriber', () => healthy.device().length >= 5);
      expect(reported.length).toBeGreaterThan(0);
      expect(reported[0]).toMatchObject({ message: 'observer bug' });
      expect(healthy.error).toBeUndefined();
      expect(gapsIn(healthy.got)).toEqual([]);
      faulty.unsubscribe();
      await new Promise((resolve) => setTimeout(resolve, 20)); // RxJS would report from a timer
      expect(unhandled).toEqual([]);
    } finally {
      rxjsConfig.onUnhandledError = previous;
    }
  });
}
