import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '@micgate/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPermissionStore, defaultConfigDir, StoreDamagedError } from '../src/permission/index.js';
import { tempDir } from './helpers.js';

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
    expect(await createPermissionStore({ configDir: join(dir.path, 'micgate'), logger }).get('recorder')).toBe(
      'granted',
    );
    expect(await store.reset('recorder')).toBe(true);
    expect(await store.reset('recorder')).toBe(false);
    expect(await store.get('recorder')).toBe('undetermined');
    expect(await store.resetAll()).toBe(1);
    expect(await store.list()).toEqual({});
    expect(warnings).toEqual([]);
  });

  it('knows an app that has a decision or has asked for one, not a typo', async () => {
    const store = createPermissionStore({ configDir: dir.path, logger });
    expect(await store.known('recorder')).toBe(false);
    expect(await store.get('recorder')).toBe('undetermined'); // the app asking for its status
    expect(await store.known('recorder')).toBe(true);
    expect(await store.known('recrod')).toBe(false);
    await store.set('notes', 'denied');
    expect(await store.known('notes')).toBe(true);
    expect(await store.list()).toEqual({ notes: { decision: 'denied', time: expect.any(String) } });
    // Forgetting decisions keeps the apps known: `micgate grant` works for them after a reset.
    await store.resetAll();
    expect(await store.known('recorder')).toBe(true);
  });

  it('keeps an app id such as "__proto__" as a plain key', async () => {
    const store = createPermissionStore({ configDir: dir.path, logger });
    await store.set('__proto__', 'granted');
    expect(await store.get('__proto__')).toBe('granted');
    expect(await store.get('toString')).toBe('undetermined');
  });

  it('writes one 0600 file per app in a 0700 folder, atomically, leaving no temp file', async () => {
    const configDir = join(dir.path, 'deep', 'micgate');
    const store = createPermissionStore({ configDir, logger });
    expect(store.path).toBe(configDir);
    await store.set('recorder', 'granted');
    await store.set('com.Example/Notes', 'denied');
    expect((await stat(configDir)).mode & 0o777).toBe(0o700);
    expect((await readdir(configDir)).sort()).toEqual([
      'com.%45xample%2f%4eotes.decision.json',
      'recorder.decision.json',
    ]);
    const file = join(configDir, 'recorder.decision.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      version: 1,
      appId: 'recorder',
      decision: 'granted',
      time: expect.any(String),
    });
    expect(await store.get('com.Example/Notes')).toBe('denied');
  });

  it('moves the old single file (permissions.json) into decision files on the first change', async () => {
    const time = '2026-01-02T03:04:05.000Z';
    await writeFile(
      join(dir.path, 'permissions.json'),
      JSON.stringify({ version: 1, apps: { old: { decision: 'granted', time }, kept: { decision: 'denied', time } } }),
    );
    const store = createPermissionStore({ configDir: dir.path, logger });
    expect(await store.get('old')).toBe('granted');
    await store.set('kept', 'granted');
    expect((await readdir(dir.path)).sort()).toEqual(['kept.decision.json', 'old.decision.json', 'old.seen']);
    expect(await store.list()).toEqual({
      kept: { decision: 'granted', time: expect.any(String) },
      old: { decision: 'granted', time },
    });
    expect(warnings).toEqual([]);
  });

  it('reads a corrupt file as undetermined, reports it once as a typed error, and replaces it on the next change', async () => {
    await writeFile(join(dir.path, 'recorder.decision.json'), '{"version":1,"appId":"recorder","decision":"gra');
    const errors: unknown[] = [];
    const store = createPermissionStore({ configDir: dir.path, onError: (error) => errors.push(error) });
    expect(await store.list()).toEqual({});
    expect(await store.get('recorder')).toBe('undetermined');
    expect(await store.list()).toEqual({});
    expect(await store.get('recorder')).toBe('undetermined');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(StoreDamagedError);
    expect(errors[0]).toMatchObject({
      code: 'ERR_MICGATE_STORE_DAMAGED',
      path: join(dir.path, 'recorder.decision.json'),
    });
    expect((errors[0] as Error).message).toMatch(/recorder\.decision\.json: it is not valid JSON/);
    await store.set('recorder', 'denied');
    expect(await store.get('recorder')).toBe('denied');
    expect(errors).toHaveLength(1);
  });

  it('refuses a file whose name does not match the app it names', async () => {
    await writeFile(
      join(dir.path, 'recorder.decision.json'),
      JSON.stringify({ version: 1, appId: 'other', decision: 'granted', time: '2026-01-01T00:00:00.000Z' }),
      { mode: 0o600 },
    );
    const store = createPermissionStore({ configDir: dir.path, logger });
    expect(await store.list()).toEqual({});
    expect(warnings.join('\n')).toMatch(/names app other, which belongs in another file/);
  });

  it('drops a damaged entry but keeps the good ones', async () => {
    await writeFile(
      join(dir.path, 'permissions.json'),
      JSON.stringify({
        version: 1,
        apps: { good: { decision: 'granted', time: '2026-01-01T00:00:00.000Z' }, bad: { decision: 'maybe' } },
      }),
    );
    const store = createPermissionStore({ configDir: dir.path, logger });
    expect(await store.get('good')).toBe('granted');
    expect(await store.get('bad')).toBe('undetermined');
    expect(warnings[0]).toMatch(/1 entry is not a valid decision: bad \(its decision "maybe"/);
  });

  it('refuses bad arguments with a typed error naming the field', async () => {
    expect(() => createPermissionStore({ configDir: '' })).toThrow(expect.objectContaining({ field: 'configDir' }));
    expect(() => createPermissionStore({ logger: {} as never })).toThrow(expect.objectContaining({ field: 'logger' }));
    expect(() => createPermissionStore({ onError: 5 as never })).toThrow(expect.objectContaining({ field: 'onError' }));
    const store = createPermissionStore({ configDir: dir.path, logger });
    await expect(store.get('')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(store.set('-rf', 'granted')).rejects.toMatchObject({ field: 'appId' });
    await expect(store.set('ok', 'undetermined' as never)).rejects.toMatchObject({ field: 'decision' });
    await expect(store.reset('a b')).rejects.toMatchObject({ field: 'appId' });
  });
});
