import type { AudioInputDevice } from '@micgate/core';
import { expect, test } from 'vitest';
import type { SuiteContext } from '../context.js';
import { listProblems } from './device-list.js';

/** The bound: a device added while the process runs is in the device stream within 2 s. */
const ADDED_WITHIN_MS = 2_000;

/** deviceChanges(): inputs plugged in and out while the adapter runs reach the app's devices$. */
export function deviceChangeTests(c: SuiteContext): void {
  /** Every list devices$ gives, from now on. */
  const watch = (session: ReturnType<SuiteContext['open']>) => {
    const lists: (readonly AudioInputDevice[])[] = [];
    const subscription = session.devices$.subscribe((list) => lists.push(list));
    return { lists, latest: () => lists.at(-1) ?? [], stop: () => subscription.unsubscribe() };
  };

  test(`device changes: an input added while running is in devices$ within ${ADDED_WITHIN_MS} ms, and leaves when removed`, async (ctx) => {
    c.requiresDeviceChanges(ctx);
    c.requiresRig(ctx, 'addDevice');
    await c.grantedBefore();
    const session = c.open();
    const seen = watch(session);
    try {
      await c.waitFor('the first list', () => seen.lists.length > 0);
      const before = new Set(seen.latest().map((input) => input.id));
      const addedAt = c.h.clock.now();
      await c.h.device.addDevice!();
      await c.waitFor('the added input in devices$', () => seen.latest().some((input) => !before.has(input.id)));
      expect(c.h.clock.now() - addedAt).toBeLessThanOrEqual(ADDED_WITHIN_MS + c.slackMs());
      const added = seen.latest().filter((input) => !before.has(input.id));
      expect(added).toHaveLength(1);
      expect(listProblems(seen.latest())).toEqual([]);
      await c.h.device.removeDevice!();
      await c.waitFor('the removed input to leave devices$', () =>
        seen.latest().every((input) => input.id !== added[0]!.id),
      );
      expect([...before].sort()).toEqual(
        seen
          .latest()
          .map((input) => input.id)
          .sort(),
      );
    } finally {
      seen.stop();
    }
  });

  test('device changes: an unplugged input leaves devices$, and is back after the replug', async (ctx) => {
    c.requiresDeviceChanges(ctx);
    c.requiresRig(ctx, 'unplug');
    await c.grantedBefore();
    const session = c.open();
    const seen = watch(session);
    try {
      await c.waitFor('the first list', () => seen.lists.length > 0);
      const first = seen.latest().find((input) => input.isDefault);
      expect(first, 'a default input before the unplug').toBeDefined();
      const same = (input: AudioInputDevice) =>
        input.id === first!.id || (first!.name !== undefined && input.name === first!.name);
      await c.h.device.unplug!();
      await c.waitFor('the unplugged input to leave devices$', () => !seen.latest().some(same));
      expect(listProblems(seen.latest())).toEqual([]);
      await c.h.device.replug!();
      await c.waitFor('the replugged input back in devices$', () => seen.latest().some(same));
      expect(listProblems(seen.latest())).toEqual([]);
    } finally {
      seen.stop();
    }
  });
}
