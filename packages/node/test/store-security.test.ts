import { chmod, chown, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPermissionStore, StoreInsecureError } from '../src/permission/index.js';
import { runNode, tempDir } from './helpers.js';

// Issue 9, item 14: another local user must not be able to hand this user a decision.
// The attacker is a real other uid: a child process that switches to it (this needs root, as in CI).
const isRoot = process.geteuid?.() === 0;
if (!isRoot) console.log('not root: the other-user store tests cannot switch uid and do not run');
const ATTACKER = 4242;
const asUser = join(import.meta.dirname, 'fixtures', 'as-user.mjs');

let dir: { path: string; remove: () => Promise<void> };
let shared: string;
const warnings: string[] = [];
const logger = { warn: (message: string) => void warnings.push(message) };
const grant = JSON.stringify({
  version: 1,
  apps: { recorder: { decision: 'granted', time: '2026-01-01T00:00:00.000Z' } },
});

async function attacker(...steps: [string, string, string?][]): Promise<void> {
  const run = await runNode([asUser, String(ATTACKER), ...steps.map((step) => JSON.stringify(step))], process.env);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
}

beforeEach(async () => {
  dir = await tempDir();
  warnings.length = 0;
  // A shared, world-writable config home (XDG_CONFIG_HOME on a shared folder).
  await chmod(dir.path, 0o755);
  shared = join(dir.path, 'shared');
  await mkdir(shared);
  await chmod(shared, 0o777);
});
afterEach(() => dir.remove());

describe.skipIf(!isRoot)('a store another user can reach', () => {
  it('refuses a folder another user created (0777, with a grant in it): undetermined, with a warning', async () => {
    const micgate = join(shared, 'micgate');
    await attacker(['mkdir', micgate, '777'], ['write', join(micgate, 'permissions.json'), grant]);
    const store = createPermissionStore({ configDir: micgate, logger });
    expect(await store.get('recorder')).toBe('undetermined');
    expect(await store.list()).toEqual({});
    expect(warnings.join('\n')).toMatch(/owned by uid 4242|not owned by you/);
    // Writing into it is refused too: a deny there could be swapped back.
    await expect(store.set('recorder', 'denied')).rejects.toThrow(/owned by uid 4242|not owned by you/);
    // Planted decision files are refused the same way, and onError gets the typed error.
    await attacker([
      'write',
      join(micgate, 'recorder.decision.json'),
      JSON.stringify({ version: 1, appId: 'recorder', decision: 'granted', time: '2026-01-01T00:00:00.000Z' }),
    ]);
    const errors: unknown[] = [];
    const watched = createPermissionStore({ configDir: micgate, onError: (error) => errors.push(error) });
    expect(await watched.get('recorder')).toBe('undetermined');
    expect(errors[0]).toBeInstanceOf(StoreInsecureError);
    expect(errors[0]).toMatchObject({ code: 'ERR_MICGATE_STORE_INSECURE', path: micgate });
  });

  it('refuses a file another user put in the user’s own folder', async () => {
    const micgate = join(shared, 'micgate');
    await mkdir(micgate);
    await chmod(micgate, 0o777); // the user's own folder, left open: tightened, but the planted file stays refused
    await attacker(['write', join(micgate, 'permissions.json'), grant]);
    await attacker([
      'write',
      join(micgate, 'recorder.decision.json'),
      JSON.stringify({ version: 1, appId: 'recorder', decision: 'granted', time: '2026-01-01T00:00:00.000Z' }),
    ]);
    const store = createPermissionStore({ configDir: micgate, logger });
    expect(await store.get('recorder')).toBe('undetermined');
    expect(await store.list()).toEqual({});
    expect(warnings.join('\n')).toMatch(/owned by uid 4242|not owned by you/);
    expect((await stat(micgate)).mode & 0o777).toBe(0o700);
    // The user's own decision replaces the planted file.
    await store.set('recorder', 'denied');
    expect(await store.get('recorder')).toBe('denied');
  });

  it('refuses a file of its own that others can write', async () => {
    const micgate = join(shared, 'micgate');
    await mkdir(micgate, { mode: 0o700 });
    await writeFile(join(micgate, 'permissions.json'), grant, { mode: 0o666 });
    await chmod(join(micgate, 'permissions.json'), 0o666);
    const store = createPermissionStore({ configDir: micgate, logger });
    expect(await store.get('recorder')).toBe('undetermined');
    expect(warnings.join('\n')).toMatch(/writable by others/);
  });

  it('never follows a symlinked folder another user made', async () => {
    // The target is the user's own private folder holding a grant: only the link is the attacker's.
    const target = join(dir.path, 'own');
    await mkdir(target, { mode: 0o700 });
    await writeFile(join(target, 'permissions.json'), grant, { mode: 0o600 });
    await chmod(join(target, 'permissions.json'), 0o600);
    const micgate = join(shared, 'micgate');
    await attacker(['symlink', target, micgate]);
    const store = createPermissionStore({ configDir: micgate, logger });
    expect(await store.get('recorder')).toBe('undetermined');
    expect(warnings.join('\n')).toMatch(/symbolic link/);
  });

  it('refuses a folder owned by another user even when it is not writable by others', async () => {
    const micgate = join(shared, 'micgate');
    await mkdir(micgate, { mode: 0o755 });
    await writeFile(join(micgate, 'permissions.json'), grant, { mode: 0o600 });
    await chown(micgate, ATTACKER, ATTACKER);
    const store = createPermissionStore({ configDir: micgate, logger });
    expect(await store.get('recorder')).toBe('undetermined');
  });
});
