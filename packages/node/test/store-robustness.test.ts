import { chmod, mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPermissionStore, StoreVersionError } from '../src/permission/index.js';
import { runNode, tempDir } from './helpers.js';

// Issue 9, defects 1–5: the store under contention and with leftovers and files it does not know.
let dir: { path: string; remove: () => Promise<void> };
const warnings: string[] = [];
const logger = { warn: (message: string) => void warnings.push(message) };
const legacyFile = () => join(dir.path, 'permissions.json');

beforeEach(async () => {
  dir = await tempDir();
  warnings.length = 0;
});
afterEach(() => dir.remove());

describe('the store under contention', () => {
  it('loses nothing: 8 processes × 100 writes each, with a stale lock and a dead writer’s temp file at the start, 2 rounds', async () => {
    // The full acceptance run is 30 rounds (see the README); CI runs 2 to stay fast.
    const run = await runNode(
      [join(import.meta.dirname, 'fixtures', 'contention.mjs'), '2', '8', '100'],
      process.env,
      110_000,
    );
    console.log(`contention: ${run.stdout.trim()}`);
    expect(run.stderr).toBe('');
    const numbers = JSON.parse(run.stdout) as { lost: number; failedProcesses: number; rounds: number };
    expect(numbers).toMatchObject({ rounds: 2, lost: 0, failedProcesses: 0 });
    expect(run.code).toBe(0);
  }, 120_000);

  it('is not blocked by a lock file naming a live, unrelated process (pid 1)', async () => {
    await writeFile(`${legacyFile()}.lock`, `1 cafe ${Date.now()}\n`);
    const store = createPermissionStore({ configDir: dir.path, logger });
    const started = Date.now();
    await store.set('recorder', 'granted');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await store.get('recorder')).toBe('granted');
  }, 20_000);
});

describe('a store written by a newer micgate', () => {
  it('is read as far as it can be and never rewritten by this version', async () => {
    const newer = `${JSON.stringify({
      version: 2,
      apps: { recorder: { decision: 'granted', time: '2026-01-02T03:04:05.000Z', scope: 'device:usb' } },
      profiles: { work: {} },
    })}\n`;
    await writeFile(legacyFile(), newer);
    const store = createPermissionStore({ configDir: dir.path, logger });
    expect(await store.get('recorder')).toBe('granted');
    await store.set('notes', 'denied');
    expect(await store.get('notes')).toBe('denied');
    expect(await readFile(legacyFile(), 'utf8')).toBe(newer);
    expect(await store.get('recorder')).toBe('granted');
  });
});

describe('a decision file written by a newer micgate', () => {
  it('is read, reported once as StoreVersionError, and never replaced or removed', async () => {
    const file = join(dir.path, 'recorder.decision.json');
    const newer = `${JSON.stringify({ version: 3, appId: 'recorder', decision: 'granted', time: '2026-01-02T03:04:05.000Z', until: 'forever' })}\n`;
    await writeFile(file, newer, { mode: 0o600 });
    const errors: unknown[] = [];
    const store = createPermissionStore({ configDir: dir.path, onError: (error) => errors.push(error) });
    expect(await store.get('recorder')).toBe('granted');
    expect(await store.get('recorder')).toBe('granted');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(StoreVersionError);
    expect(errors[0]).toMatchObject({ code: 'ERR_MICGATE_STORE_VERSION', version: 3, path: file });
    await expect(store.set('recorder', 'denied')).rejects.toBeInstanceOf(StoreVersionError);
    await expect(store.reset('recorder')).rejects.toBeInstanceOf(StoreVersionError);
    await store.set('notes', 'denied');
    expect(await store.resetAll()).toBe(1);
    expect(await readFile(file, 'utf8')).toBe(newer);
    expect(await store.list()).toEqual({ recorder: { decision: 'granted', time: '2026-01-02T03:04:05.000Z' } });
  });
});

describe('a migration that was killed half-way', () => {
  it('is finished by the next writer: the claimed old file’s decisions are kept', async () => {
    const time = '2026-01-02T03:04:05.000Z';
    const claim = join(dir.path, '.permissions.json.4194305.0123456789ab.migrating');
    await writeFile(claim, JSON.stringify({ version: 1, apps: { old: { decision: 'granted', time } } }), {
      mode: 0o600,
    });
    await utimes(claim, new Date(0), new Date(0));
    const store = createPermissionStore({ configDir: dir.path, logger });
    expect(await store.get('old')).toBe('granted'); // read while it is still a claim
    await store.set('new', 'denied');
    expect((await readdir(dir.path)).filter((name) => name.includes('permissions'))).toEqual([]);
    expect(await store.get('old')).toBe('granted');
  });
});

describe('warnings about a damaged store', () => {
  it('stay short however large the damage (a 1 MB app id)', async () => {
    const huge = 'x'.repeat(1_000_000);
    await writeFile(legacyFile(), JSON.stringify({ version: 1, apps: { [huge]: { decision: 'granted', time: 't' } } }));
    const store = createPermissionStore({ configDir: dir.path, logger });
    expect(await store.get('recorder')).toBe('undetermined');
    expect(warnings.length).toBeGreaterThan(0);
    for (const warning of warnings) expect(warning.length).toBeLessThan(1000);
  });
});

describe('leftovers and an open folder', () => {
  it('removes a temp file left by a writer killed mid-write', async () => {
    const leftover = join(dir.path, '.permissions.json.4194305.0123456789ab.tmp');
    await writeFile(leftover, '{"version":1,"apps":{');
    await utimes(leftover, new Date(0), new Date(0));
    const store = createPermissionStore({ configDir: dir.path, logger });
    await store.set('recorder', 'granted');
    expect((await readdir(dir.path)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('tightens its own existing folder from 0777 to 0700', async () => {
    const configDir = join(dir.path, 'micgate');
    await mkdir(configDir);
    await chmod(configDir, 0o777);
    const store = createPermissionStore({ configDir, logger });
    await store.set('recorder', 'granted');
    expect((await stat(configDir)).mode & 0o777).toBe(0o700);
    expect(await store.get('recorder')).toBe('granted');
  });
});
