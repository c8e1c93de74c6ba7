import { mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '@micgate/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPermissionStore, defaultConfigDir, StoreLockedError } from '../src/permission/index.js';
import { runNode, tempDir } from './helpers.js';

let dir: { path: string; remove: () => Promise<void> };
const warnings: string[] = [];
const logger = { warn: (message: string) => void warnings.push(message) };

beforeEach(async () => {
  dir = await tempDir();
  warnings.length = 0;
});
afterEach(() => dir.remove());

describe('the permission store', () => {
  it('finds its file under $XDG_CONFIG_HOME, else ~/.config, ignoring a relative XDG_CONFIG_HOME', () => {
    expect(defaultConfigDir({ XDG_CONFIG_HOME: '/x/conf', HOME: '/home/u' })).toBe('/x/conf/micgate');
    expect(defaultConfigDir({ HOME: '/home/u' })).toBe('/home/u/.config/micgate');
    expect(defaultConfigDir({ XDG_CONFIG_HOME: 'relative', HOME: '/home/u' })).toBe('/home/u/.config/micgate');
  });

  it('remembers decisions per app id with their time, and forgets them on reset', async () => {
    const store = createPermissionStore({ configDir: join(dir.path, 'micgate'), logger });
    expect(await store.get('recorder')).toBe('undetermined');
    const before = Date.now();
    await store.set('recorder', 'granted');
    await store.set('com.example.notes', 'denied');
    expect(await store.get('recorder')).toBe('granted');
    expect(await store.get('com.example.notes')).toBe('denied');
    const listed = await store.list();
    expect(Object.keys(listed)).toEqual(['com.example.notes', 'recorder']);
    expect(Date.parse(listed.recorder!.time)).toBeGreaterThanOrEqual(before - 1000);
    // Another store (another process) reads the same file.
    expect(await createPermissionStore({ configDir: join(dir.path, 'micgate'), logger }).get('recorder')).toBe('granted');
    expect(await store.reset('recorder')).toBe(true);
    expect(await store.reset('recorder')).toBe(false);
    expect(await store.get('recorder')).toBe('undetermined');
    expect(await store.resetAll()).toBe(1);
    expect(await store.list()).toEqual({});
    expect(warnings).toEqual([]);
  });

  it('keeps an app id such as "__proto__" as a plain key', async () => {
    const store = createPermissionStore({ configDir: dir.path, logger });
    await store.set('__proto__', 'granted');
    expect(await store.get('__proto__')).toBe('granted');
    expect(await store.get('toString')).toBe('undetermined');
  });

  it('writes the file 0600 in a 0700 folder, atomically, leaving no temp or lock file', async () => {
    const configDir = join(dir.path, 'deep', 'micgate');
    const store = createPermissionStore({ configDir, logger });
    await store.set('recorder', 'granted');
    expect((await stat(configDir)).mode & 0o777).toBe(0o700);
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    expect(await readdir(configDir)).toEqual(['permissions.json']);
    expect(JSON.parse(await readFile(store.path, 'utf8'))).toEqual({
      version: 1,
      apps: { recorder: { decision: 'granted', time: expect.any(String) } },
    });
  });

  it('reads a corrupt file as undetermined, says so once, and rewrites it on the next change', async () => {
    await writeFile(join(dir.path, 'permissions.json'), '{"version":1,"apps":{"recorder":{"decision":"gra');
    const store = createPermissionStore({ configDir: dir.path, logger });
    expect(await store.get('recorder')).toBe('undetermined');
    expect(await store.get('other')).toBe('undetermined');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/damaged permission store .*permissions\.json: it is not valid JSON/);
    await store.set('other', 'denied');
    expect(JSON.parse(await readFile(store.path, 'utf8')).apps).toEqual({ other: { decision: 'denied', time: expect.any(String) } });
    expect(await store.get('other')).toBe('denied');
    expect(warnings).toHaveLength(1);
  });

  it('drops a damaged entry but keeps the good ones', async () => {
    await writeFile(
      join(dir.path, 'permissions.json'),
      JSON.stringify({ version: 1, apps: { good: { decision: 'granted', time: 't' }, bad: { decision: 'maybe' } } }),
    );
    const store = createPermissionStore({ configDir: dir.path, logger });
    expect(await store.get('good')).toBe('granted');
    expect(await store.get('bad')).toBe('undetermined');
    expect(warnings[0]).toMatch(/entry "bad" is not a valid decision/);
  });

  it('refuses bad arguments with a typed error naming the field', async () => {
    expect(() => createPermissionStore({ configDir: '' })).toThrow(expect.objectContaining({ field: 'configDir' }));
    expect(() => createPermissionStore({ logger: {} as never })).toThrow(expect.objectContaining({ field: 'logger' }));
    const store = createPermissionStore({ configDir: dir.path, logger });
    await expect(store.get('')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(store.set('-rf', 'granted')).rejects.toMatchObject({ field: 'appId' });
    await expect(store.set('ok', 'undetermined' as never)).rejects.toMatchObject({ field: 'decision' });
    await expect(store.reset('a b')).rejects.toMatchObject({ field: 'appId' });
  });

  it('takes over a lock left by a process that is gone, and times out on a live one', async () => {
    const store = createPermissionStore({ configDir: dir.path, logger, lock: { timeoutMs: 300, staleMs: 60_000 } });
    await mkdir(dir.path, { recursive: true });
    const lockPath = `${store.path}.lock`;
    // A pid that cannot be running: above the kernel's pid_max.
    await writeFile(lockPath, '4194305 deadbeef 0\n');
    await store.set('recorder', 'granted');
    expect(await store.get('recorder')).toBe('granted');
    await writeFile(lockPath, `${process.pid} cafe ${Date.now()}\n`);
    const started = Date.now();
    await expect(store.set('recorder', 'denied')).rejects.toBeInstanceOf(StoreLockedError);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await store.get('recorder')).toBe('granted');
    // Once the holder lets go, writing works again: the failed attempt left nothing stuck.
    await unlink(lockPath);
    await store.set('recorder', 'denied');
    expect(await store.get('recorder')).toBe('denied');
  });

  it('loses nothing when two processes each write 50 app ids at once', async () => {
    const env = { ...process.env };
    const [a, b] = await Promise.all([
      runNode([join(import.meta.dirname, 'fixtures', 'write-many.mjs'), dir.path, 'first', '50'], env, 40_000),
      runNode([join(import.meta.dirname, 'fixtures', 'write-many.mjs'), dir.path, 'second', '50'], env, 40_000),
    ]);
    expect(a.stderr).toBe('');
    expect(b.stderr).toBe('');
    expect([a.code, b.code]).toEqual([0, 0]);
    const apps = await createPermissionStore({ configDir: dir.path, logger }).list();
    expect(Object.keys(apps)).toHaveLength(100);
    for (let i = 0; i < 50; i++) {
      const expected = i % 2 === 0 ? 'granted' : 'denied';
      expect(apps[`first-${i}`]?.decision).toBe(expected);
      expect(apps[`second-${i}`]?.decision).toBe(expected);
    }
    expect(await readdir(dir.path)).toEqual(['permissions.json']);
  }, 60_000);
});
