import { ErrorCode } from '@micgate/core';
import { expect, test } from 'vitest';
import { CONFORMANCE_PURPOSE, type SuiteContext } from '../context.js';

/** R10: no purpose string, no prompt and no recording; the prompt shows it. */
export function usageDescriptionTests(c: SuiteContext): void {
  const missing = expect.objectContaining({ code: ErrorCode.MissingUsageDescription });
  for (const [label, usageDescription] of [
    ['missing', undefined],
    ['empty', ''],
    ['blank', '  \n\t'],
  ] as const) {
    test(`R10 a ${label} usageDescription fails the first request and recording, and shows no prompt`, async () => {
      await c.h.user.answerNextPrompt('grant');
      const session = c.open({ usageDescription: usageDescription as unknown as string });
      expect(await c.rejectionOf(session.requestRecordPermission(), 'the request to be refused')).toEqual(missing);
      expect(() => session.requestRecordPermission(() => {})).toThrow(missing);
      const recording = c.record(session);
      expect(recording.error).toEqual(missing);
      await c.h.clock.advance(100);
      expect(await c.promptCount()).toBe(0);
      expect(await c.h.device.isOpen()).toBe(false);
    });
  }

  test('R10 the prompt shows the usageDescription', async () => {
    const session = c.open();
    await c.h.user.answerNextPrompt('grant');
    expect(await c.answerOf(session.requestRecordPermission())).toBe(true);
    const prompts = await c.h.user.prompts();
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toContain(CONFORMANCE_PURPOSE);
  });
}
