import { createHook } from 'node:async_hooks';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { firstValueFrom, skip } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPermissionStore, type PermissionSnapshot } from '../src/permission/index.js';
import { runNode, tempDir, waitFor } from './helpers.js';

let dir: { path: string; remove: () => Promise<void> };
const warnings: string[] = [];
const logger = { warn: (message: string) => void warnings.push(message) };
const writeMany = join(import.meta.dirname, 'fixtures', 'write-many.mjs');

beforeEach(async () => {
  dir = await tempDir();
  warnings.length = 0;
});
afterEach(() => dir.remove());

/** Watch the store, run `change` in another process, and time from that process's exit to the news. */
async function delayOfOutsideChange(useFsWatch: boolean): Promise<{ ms: number; seen: PermissionSnapshot }> {
  const store = createPermissionStore({ configDir: dir.path, logger, watch: { useFsWatch } });
  const seen: PermissionSnapshot[] = [];
  const subscription = store.snapshots().subscribe((snapshot) => seen.push(snapshot));
  try {
    await waitFor(() => (seen.length === 1 ? true : undefined), 2000, 'the first snapshot');
    expect(seen[0]).toEqual({});
    const child = await runNode([writeMany, dir.path, 'outside', '1'], process.env);
    expect(child.code).toBe(0);
    const exited = Date.now();
    const snapshot = await waitFor(() => seen[1], 3000, 'the change to arrive');
    return { ms: Date.now() - exited, seen: snapshot };
  } finally {
    subscription.unsubscribe();
  }
}

describe('watching the store', () => {
  it('reports a change made by another process within half a second (fs.watch)', async () => {
    const { ms, seen } = await delayOfOutsideChange(true);
    console.log(`store change seen ${ms} ms after the writer exited (fs.watch)`);
    expect(seen['outside-0']?.decision).toBe('granted');
    expect(ms).toBeLessThan(500);
  });

  it('reports it through the poll alone when fs.watch is not available', async () => {
    const { ms, seen } = await delayOfOutsideChange(false);
    console.log(`store change seen ${ms} ms after the writer exited (poll only)`);
    expect(seen['outside-0']?.decision).toBe('granted');
    expect(ms).toBeLessThan(750);
  });

  it('reports a decision file replaced by a corrupt one as undetermined, with a warning', async () => {
    const store = createPermissionStore({ configDir: dir.path, logger });
    await store.set('recorder', 'granted');
    const next = firstValueFrom(store.snapshots().pipe(skip(1)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await writeFile(join(dir.path, 'tmp'), 'not json', { mode: 0o600 });
    await rename(join(dir.path, 'tmp'), join(store.path, 'recorder.decision.json'));
    expect(await next).toEqual({});
    expect(warnings.join('\n')).toMatch(/not valid JSON/);
  });

  it('shares one watch between subscribers, and a late subscriber gets the current snapshot', async () => {
    const store = createPermissionStore({ configDir: dir.path, logger });
    await store.set('recorder', 'denied');
    const first = await firstValueFrom(store.snapshots());
    expect(first.recorder?.decision).toBe('denied');
    const held = store.snapshots().subscribe();
    try {
      await store.set('recorder', 'granted');
      const late = await waitFor(
        () => {
          let value: PermissionSnapshot | undefined;
          store
            .snapshots()
            .subscribe((snapshot) => (value = snapshot))
            .unsubscribe();
          return value?.recorder?.decision === 'granted' ? value : undefined;
        },
        2000,
        'the late subscriber to see the grant',
      );
      expect(late.recorder?.decision).toBe('granted');
    } finally {
      held.unsubscribe();
    }
  });

  it('leaves no timer or file watcher behind after the last unsubscribe (R11)', async () => {
    // Resources created by the store's watch code, found by who created them.
    const live = new Map<number, string>();
    const hook = createHook({
      init(id, type) {
        if (type !== 'Timeout' && type !== 'FSEVENTWRAP') return;
        const stack = new Error().stack ?? '';
        if (stack.includes('permission/watch')) live.set(id, type);
      },
      destroy(id) {
        live.delete(id);
      },
    });
    const store = createPermissionStore({ configDir: dir.path, logger });
    await store.set('recorder', 'granted');
    hook.enable();
    try {
      const subscription = store.snapshots().subscribe();
      await waitFor(
        () => (new Set(live.values()).size === 2 ? true : undefined),
        2000,
        'the watcher and the poll to start',
      );
      await store.set('recorder', 'denied'); // a debounce timer too
      await new Promise((resolve) => setTimeout(resolve, 300));
      subscription.unsubscribe();
      await waitFor(
        () => (live.size === 0 ? true : undefined),
        1000,
        `the watch resources to go (left: ${[...live.values()]})`,
      );
      expect(live.size).toBe(0);
    } finally {
      hook.disable();
    }
  });
});
