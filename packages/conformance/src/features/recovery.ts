import type { DeniedRecovery } from '@micgate/core';
import { expect, test } from 'vitest';
import type { SuiteContext } from '../context.js';

const TARGETS = ['micgate-settings', 'site-settings', 'os-privacy', 'app-settings'];
const blank = (value: unknown) => typeof value !== 'string' || value.trim() === '';

/** What is wrong with a recovery an adapter gave, as sentences; none when it is well-formed. */
export function recoveryProblems(recovery: DeniedRecovery | undefined): string[] {
  if (recovery === null || typeof recovery !== 'object') return ['recovery is not an object'];
  const problems: string[] = [];
  const { target, platform, summary, steps, command, url, address, appliesWithoutReload } = recovery;
  if (!TARGETS.includes(target)) problems.push(`target ${JSON.stringify(target)} is not one of ${TARGETS.join(', ')}`);
  if (blank(platform)) problems.push('platform is blank');
  if (blank(summary)) problems.push('summary is blank');
  else if (/[\r\n]/.test(summary)) problems.push('summary is more than one line');
  if (!Array.isArray(steps) || steps.length === 0) problems.push('steps is empty');
  else {
    for (const [i, step] of steps.entries()) if (blank(step)) problems.push(`step ${i + 1} is blank`);
  }
  if (command !== undefined) {
    if (blank(command)) problems.push('command is blank');
    else if (/[\r\n]/.test(command)) problems.push('command is more than one line (it must run as printed)');
    else if (command !== command.trim()) problems.push('command has leading or trailing space');
  }
  for (const [field, value] of [
    ['url', url],
    ['address', address],
  ] as const) {
    if (value === undefined) continue;
    if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(value))
      problems.push(`${field} ${JSON.stringify(value)} is not an address with a scheme`);
  }
  if (typeof appliesWithoutReload !== 'boolean') problems.push('appliesWithoutReload is not a boolean');
  return problems;
}

/** The way back from 'denied' (issue 10 §5): data the app can show or act on, where the adapter has it. */
export function recoveryTests(c: SuiteContext): void {
  test('recovery: while denied, session.recovery is well-formed (summary, steps, command and url shapes); undefined otherwise', async (ctx) => {
    c.requires(
      ctx,
      typeof c.h.adapter.recovery === 'function',
      `the ${c.name} adapter has no recovery(): apps get no way back to show`,
    );
    const session = c.open();
    expect(await c.known(session)).toBe('undetermined');
    expect(session.recovery, 'no recovery before a denial').toBeUndefined();
    await c.h.user.answerNextPrompt('deny');
    expect(await c.answerOf(session.requestRecordPermission())).toBe(false);
    const recovery = session.recovery;
    expect(recovery, 'a way back while denied').toBeDefined();
    expect(recoveryProblems(recovery)).toEqual([]);

    if (!c.h.adapter.supports.changes) return;
    await c.h.user.setDecisionOutsideApp('granted');
    await c.waitFor('recordPermission to be granted', () => session.recordPermission === 'granted');
    expect(session.recovery, 'no recovery once granted').toBeUndefined();
  });
}
