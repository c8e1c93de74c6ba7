import type { AudioInputDevice } from '@micgate/core';
import { expect, test } from 'vitest';
import type { SuiteContext } from '../context.js';

/** Problems with one list of inputs, as people read them (empty when the list keeps the contract). */
export function listProblems(list: readonly AudioInputDevice[]): string[] {
  const problems: string[] = [];
  for (const input of list) {
    if (typeof input.id !== 'string' || input.id === '')
      problems.push(`an id that is not a non-empty string: ${String(input.id)}`);
    if (input.name !== undefined && (typeof input.name !== 'string' || input.name.trim() === '')) {
      problems.push(
        `${input.id}: a name that is neither undefined nor a non-blank string: ${JSON.stringify(input.name)}`,
      );
    }
    if (typeof input.isDefault !== 'boolean') problems.push(`${input.id}: isDefault is not a boolean`);
  }
  if (new Set(list.map((input) => input.id)).size !== list.length) problems.push('two inputs share an id');
  const defaults = list.filter((input) => input.isDefault).length;
  if (list.length > 0 && defaults !== 1) problems.push(`${defaults} inputs say they are the default, not exactly one`);
  return problems;
}

/** session.devices$: the inputs as the app sees them, whatever the adapter has (deviceChanges(), devices(), nothing). */
export function deviceListTests(c: SuiteContext): void {
  test("devices: devices$ lists the inputs: unique ids, a name or undefined (never ''), exactly one default", async (ctx) => {
    c.requiresDeviceList(ctx);
    // A browser lists names only once the microphone is granted: this checks the list as it is then.
    await c.grantedBefore();
    const session = c.open();
    const list = await c.firstDevices(session);
    expect(list.length, 'a rig with a microphone lists at least one input').toBeGreaterThan(0);
    expect(listProblems(list)).toEqual([]);
  });

  test('devices: devices$ goes on after the first list with deviceChanges(), and completes after it without', async () => {
    const session = c.open();
    const lists: (readonly AudioInputDevice[])[] = [];
    let completed = false;
    let failure: unknown;
    const subscription = session.devices$.subscribe({
      next: (list) => lists.push(list),
      error: (error: unknown) => (failure = error),
      complete: () => (completed = true),
    });
    try {
      await c.waitFor('the first list of devices$', () => lists.length > 0 || failure !== undefined);
      await c.h.clock.advance(100);
      expect(failure).toBeUndefined();
      expect(completed).toBe(!c.h.adapter.supports.deviceChanges);
      if (!c.h.adapter.supports.devices && !c.h.adapter.supports.deviceChanges) expect(lists).toEqual([[]]);
      else expect(lists).toHaveLength(1);
    } finally {
      subscription.unsubscribe();
    }
  });
}
