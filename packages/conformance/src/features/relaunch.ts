import { expect, test } from 'vitest';
import type { SuiteContext } from '../context.js';

/** R5: the decision outlives the process (or the page). */
export function relaunchTests(c: SuiteContext): void {
  for (const [answer, granted] of [
    ['grant', true],
    ['deny', false],
  ] as const) {
    test(`R5 a ${answer === 'grant' ? 'grant' : 'denial'} is remembered by a new session after a relaunch`, async () => {
      const first = c.open();
      await c.h.user.answerNextPrompt(answer);
      expect(await c.answerOf(first.requestRecordPermission())).toBe(granted);
      first.close();
      const second = c.open({}, await c.relaunch());
      expect(await c.known(second)).toBe(granted ? 'granted' : 'denied');
      expect(await c.answerOf(second.requestRecordPermission())).toBe(granted);
      expect(await c.promptCount()).toBe(1);
    });
  }
}
