import { join } from 'node:path';
import { InvalidArgumentError, type RecordPermission } from '@micgate/core';
import { Observable, shareReplay } from 'rxjs';
import { assertAppId } from './app-id.js';
import { defaultConfigDir, STORE_FILE_NAME } from './config-dir.js';
import { type LockOptions, withFileLock } from './lock.js';
import {
  ensureStoreDir,
  type PermissionEntry,
  type PermissionSnapshot,
  readStoreFile,
  type StoredDecision,
  serializeStore,
  writeStoreFileAtomically,
} from './store-file.js';
import { type FileWatchOptions, watchFile } from './watch.js';

/** Where the store reports what it could not read. */
export interface StoreLogger {
  warn(message: string): void;
}

export interface PermissionStoreOptions {
  /** The folder holding `permissions.json`; default `$XDG_CONFIG_HOME/micgate` (or `~/.config/micgate`). */
  configDir?: string;
  /** Receives warnings (a corrupt file); default `console.warn`. */
  logger?: StoreLogger;
  /** Lock timing (tests). */
  lock?: LockOptions;
  /** Watch timing and mode (tests). */
  watch?: FileWatchOptions;
}

/** Per-user remembered decisions, shared by every process of the user. */
export interface PermissionStore {
  /** The file, `<configDir>/permissions.json`. */
  readonly path: string;
  /** The decision for one app; 'undetermined' when there is none (or the file is corrupt). */
  get(appId: string): Promise<RecordPermission>;
  /** Every remembered decision, sorted by app id. */
  list(): Promise<PermissionSnapshot>;
  /** Remember a decision (replacing any earlier one). */
  set(appId: string, decision: StoredDecision): Promise<void>;
  /** Forget one app's decision, so it is asked again; resolves with whether there was one. */
  reset(appId: string): Promise<boolean>;
  /** Forget every decision; resolves with how many there were. */
  resetAll(): Promise<number>;
  /**
   * The whole store now, then again whenever it changes (in this process or another), within
   * about half a second. Watching stops when the last subscriber leaves.
   */
  snapshots(): Observable<PermissionSnapshot>;
}

export function createPermissionStore(options: PermissionStoreOptions = {}): PermissionStore {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', options, 'an object');
  const { configDir = defaultConfigDir(), logger = { warn: (message: string) => console.warn(message) } } = options;
  if (typeof configDir !== 'string' || configDir.trim() === '') {
    throw new InvalidArgumentError('configDir', configDir, 'a folder path');
  }
  if (logger === null || typeof logger !== 'object' || typeof logger.warn !== 'function') {
    throw new InvalidArgumentError('logger', logger, 'an object with a warn(message) method');
  }
  const path = join(configDir, STORE_FILE_NAME);
  const lockPath = `${path}.lock`;
  // Warn once per distinct problem, not on every read of the same broken file.
  let lastWarning: string | undefined;

  async function read(): Promise<Record<string, PermissionEntry>> {
    const { apps, problems } = await readStoreFile(path);
    const warning = problems.length === 0 ? undefined : `micgate: ignoring a damaged permission store ${path}: ${problems.join('; ')}. Those apps count as undetermined; the file is rewritten on the next change.`;
    if (warning !== undefined && warning !== lastWarning) logger.warn(warning);
    lastWarning = warning;
    return apps;
  }

  /** Read, change and write the file while holding the lock, so concurrent writers lose nothing. */
  async function update<T>(change: (apps: Record<string, PermissionEntry>) => T): Promise<T> {
    await ensureStoreDir(path);
    return withFileLock(
      lockPath,
      async () => {
        const apps = await read();
        const result = change(apps);
        await writeStoreFileAtomically(path, serializeStore(apps));
        return result;
      },
      options.lock,
    );
  }

  const snapshots$ = new Observable<PermissionSnapshot>((subscriber) => {
    let reading = false;
    let again = false;
    let last: string | undefined;
    const refresh = async () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          const apps = await read();
          const text = serializeStore(apps);
          if (text !== last && !subscriber.closed) {
            last = text;
            subscriber.next(Object.freeze(apps));
          }
        } while (again && !subscriber.closed);
      } catch (error) {
        // An unreadable store (permissions, I/O) is reported; watching goes on.
        logger.warn(`micgate: could not read the permission store ${path}: ${(error as Error).message}`);
      } finally {
        reading = false;
      }
    };
    const stop = watchFile(configDir, STORE_FILE_NAME, () => void refresh(), options.watch);
    void refresh();
    return stop;
  }).pipe(shareReplay({ bufferSize: 1, refCount: true }));

  return {
    path,
    async get(appId) {
      assertAppId(appId);
      return (await read())[appId]?.decision ?? 'undetermined';
    },
    async list() {
      return Object.freeze(await read());
    },
    async set(appId, decision) {
      assertAppId(appId);
      if (decision !== 'granted' && decision !== 'denied') {
        throw new InvalidArgumentError('decision', decision, '"granted" or "denied"');
      }
      await update((apps) => {
        apps[appId] = { decision, time: new Date().toISOString() };
      });
    },
    async reset(appId) {
      assertAppId(appId);
      return update((apps) => {
        const had = appId in apps;
        delete apps[appId];
        return had;
      });
    },
    async resetAll() {
      return update((apps) => {
        const count = Object.keys(apps).length;
        for (const appId of Object.keys(apps)) delete apps[appId];
        return count;
      });
    },
    snapshots: () => snapshots$,
  };
}
