import type { RecordPermission } from '@micgate/core';
import { expect, test } from 'vitest';
import type { SuiteContext } from '../context.js';

/** The adapter's `supports` is its manifest: what it declares works, and what it does not declare is absent. */
export function manifestTests(c: SuiteContext): void {
  test('manifest: the adapter has a name and declares supports.changes, supports.devices and supports.deviceChanges', () => {
    const { adapter } = c.h;
    expect(typeof adapter.name === 'string' && adapter.name.trim() !== '', `name: ${String(adapter.name)}`).toBe(true);
    expect(typeof adapter.supports.changes).toBe('boolean');
    expect(typeof adapter.supports.devices).toBe('boolean');
    expect(typeof adapter.supports.deviceChanges).toBe('boolean');
    expect(adapter.close === undefined || typeof adapter.close === 'function').toBe(true);
  });

  test('manifest: changes() exists exactly when declared, and reports a decision made outside the app', async () => {
    const { adapter } = c.h;
    if (!adapter.supports.changes) {
      expect(adapter.changes, 'supports.changes is false, so there is no changes()').toBeUndefined();
      return;
    }
    expect(typeof adapter.changes).toBe('function');
    const seen: RecordPermission[] = [];
    const subscription = adapter.changes!().subscribe((value) => seen.push(value));
    try {
      // Let a watcher that needs a moment to start (a file watch, an IPC subscription) get going.
      await c.h.clock.advance(100);
      await c.h.user.setDecisionOutsideApp('granted');
      await c.waitFor('changes() to report the grant made outside the app', () => seen.includes('granted'));
      await c.h.user.setDecisionOutsideApp('denied');
      await c.waitFor('changes() to report the denial made outside the app', () => seen.at(-1) === 'denied');
    } finally {
      subscription.unsubscribe();
    }
  });

  test('manifest: devices() exists exactly when declared, and lists the inputs', async () => {
    const { adapter } = c.h;
    if (!adapter.supports.devices) {
      expect(adapter.devices, 'supports.devices is false, so there is no devices()').toBeUndefined();
      return;
    }
    expect(typeof adapter.devices).toBe('function');
    const listed = await c.outcome(adapter.devices!(), 'devices()');
    expect(listed.error).toBeUndefined();
    const devices = listed.value!;
    expect(Array.isArray(devices)).toBe(true);
    for (const device of devices) {
      expect(device).toMatchObject({ id: expect.any(String), isDefault: expect.any(Boolean) });
    }
  });

  test('manifest: deviceChanges() exists exactly when declared, and gives the inputs at once', async () => {
    const { adapter } = c.h;
    if (!adapter.supports.deviceChanges) {
      expect(adapter.deviceChanges, 'supports.deviceChanges is false, so there is no deviceChanges()').toBeUndefined();
      return;
    }
    expect(typeof adapter.deviceChanges).toBe('function');
    const lists: unknown[] = [];
    let failure: unknown;
    const subscription = adapter.deviceChanges!().subscribe({
      next: (list) => lists.push(list),
      error: (error: unknown) => (failure = error),
    });
    try {
      await c.waitFor('deviceChanges() to give the inputs now', () => lists.length > 0 || failure !== undefined);
      expect(failure).toBeUndefined();
      expect(Array.isArray(lists[0])).toBe(true);
    } finally {
      subscription.unsubscribe();
    }
  });
}
