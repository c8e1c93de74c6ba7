import { lstat, open, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, type RecordPermission } from '@micgate/core';
import { Observable, shareReplay } from 'rxjs';
import { assertAppId } from './app-id.js';
import { defaultConfigDir, STORE_FILE_NAME } from './config-dir.js';
import { StoreInsecureError } from './errors.js';
import { checkStoreDir, isCode } from './safe-fs.js';
import { shown } from './shown.js';
import {
  createFileIfAbsent,
  DECISION_SUFFIX,
  type DecisionFile,
  decisionFileName,
  type PermissionEntry,
  type PermissionSnapshot,
  readDecisionFile,
  readLegacyFile,
  replaceFile,
  type StoredDecision,
  serializeDecision,
  TEMP_SUFFIX,
} from './store-file.js';
import { type FileWatchOptions, watchFile } from './watch.js';

/** The former way to receive warnings: `warn(error.message)`. Prefer `onError`. */
export interface StoreLogger {
  warn(message: string): void;
}

export interface PermissionStoreOptions {
  /** The folder holding the decisions; default `$XDG_CONFIG_HOME/micgate` (or `~/.config/micgate`). */
  configDir?: string;
  /**
   * Receives what the store could not use but did not throw for: a damaged file
   * (`StoreDamagedError`), a folder or file another user could have written (`StoreInsecureError`),
   * a file from a newer micgate (`StoreVersionError`), an unreadable folder during a watch.
   * Each distinct problem once, not on every read. Default: `console.warn` of the message.
   */
  onError?: (error: unknown) => void;
  /** @deprecated use `onError`; receives `error.message`. */
  logger?: StoreLogger;
  /** Watch timing and mode (tests). */
  watch?: FileWatchOptions;
}

/** Per-user remembered decisions, shared by every process of the user. */
export interface PermissionStore {
  /** The folder holding one `<app id>.decision.json` per app. */
  readonly path: string;
  /**
   * The decision for one app; 'undetermined' when there is none (or it cannot be trusted).
   * Also notes that the app exists (see `known`): an app asks for its own status.
   */
  get(appId: string): Promise<RecordPermission>;
  /** Whether the app has a decision or has asked for one (`get`) here: `micgate grant` refuses others as likely typos. */
  known(appId: string): Promise<boolean>;
  /** Every remembered decision, sorted by app id. */
  list(): Promise<PermissionSnapshot>;
  /** Remember a decision (replacing any earlier one). Rejects with StoreVersionError for a newer micgate's entry. */
  set(appId: string, decision: StoredDecision): Promise<void>;
  /** Forget one app's decision, so it is asked again; resolves with whether there was one. */
  reset(appId: string): Promise<boolean>;
  /** Forget every decision this version can read; resolves with how many there were. */
  resetAll(): Promise<number>;
  /**
   * The whole store now, then again whenever it changes (in this process or another), within
   * about half a second. Watching stops when the last subscriber leaves.
   */
  snapshots(): Observable<PermissionSnapshot>;
}

/** A temp file older than this belongs to a writer that was killed (a write takes milliseconds). */
const LEFTOVER_AGE_MS = 30_000;
/** Marks an app that has asked for its status here, decided or not. */
const SEEN_SUFFIX = '.seen';
const LEGACY_CLAIM = /^\.permissions\.json\.\d+\.[0-9a-f]+\.migrating$/;

/**
 * One file per app, each replaced by an atomic rename: writers of different apps never touch the
 * same file, so there is no lock to take, wait for or find stale; two writers of one app: the
 * last one wins, as it should. The single-file format (`permissions.json`) is read and moved into
 * decision files on the first write.
 */
export function createPermissionStore(options: PermissionStoreOptions = {}): PermissionStore {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', options, 'an object');
  const { configDir = defaultConfigDir(), logger, onError: givenOnError } = options;
  if (typeof configDir !== 'string' || configDir.trim() === '') {
    throw new InvalidArgumentError('configDir', configDir, 'a folder path');
  }
  if (logger !== undefined && (logger === null || typeof logger !== 'object' || typeof logger.warn !== 'function')) {
    throw new InvalidArgumentError('logger', logger, 'an object with a warn(message) method');
  }
  if (givenOnError !== undefined && typeof givenOnError !== 'function') {
    throw new InvalidArgumentError('onError', givenOnError, 'a function');
  }
  const messageOf = (error: unknown) =>
    `micgate: ${error instanceof Error ? error.message : shown(String(error), 200)}`;
  const onError = givenOnError ?? ((error: unknown) => (logger ?? console).warn(messageOf(error)));
  const dir = configDir;

  // Report each distinct problem once while it lasts, not on every read of the same file. Only a
  // read of the whole folder can tell that a problem has gone (and may be reported again later).
  let reported = new Set<string>();
  function report(problems: unknown[], whole: boolean): void {
    const now = new Set<string>();
    for (const problem of problems) {
      const key =
        problem instanceof Error ? `${(problem as { code?: string }).code}:${problem.message}` : String(problem);
      now.add(key);
      if (!reported.has(key)) safely(problem);
    }
    reported = whole ? now : new Set([...reported, ...now]);
  }
  function safely(error: unknown): void {
    try {
      onError(error);
    } catch {
      // A throwing onError must not break a read.
    }
  }

  interface ReadResult {
    apps: Record<string, PermissionEntry>;
    problems: unknown[];
  }

  /** Read every decision (or one app's); never throws for what is in the folder, only collects problems. */
  async function readAll(only?: string): Promise<ReadResult> {
    const apps: Record<string, PermissionEntry> = Object.create(null);
    const problems: unknown[] = [];
    try {
      if (!(await checkStoreDir(dir, false))) return { apps, problems };
    } catch (error) {
      problems.push(error);
      return { apps, problems };
    }
    const names = only === undefined ? await readdir(dir) : [decisionFileName(only), STORE_FILE_NAME];
    if (only !== undefined) {
      // Migration in progress elsewhere: its claimed copy still counts.
      for (const name of await readdir(dir)) if (LEGACY_CLAIM.test(name)) names.push(name);
    }
    const legacy: Record<string, PermissionEntry>[] = [];
    for (const name of names) {
      try {
        if (name.endsWith(DECISION_SUFFIX) && !name.startsWith('.')) {
          const file = await readDecisionFile(join(dir, name), name);
          if (!file) continue;
          if (file.newer) problems.push(file.newer);
          if (file.entry) apps[file.appId] = file.entry;
        } else if (name === STORE_FILE_NAME || LEGACY_CLAIM.test(name)) {
          const contents = await readLegacyFile(join(dir, name));
          if (!contents) continue;
          problems.push(...contents.problems);
          if (contents.newer) problems.push(contents.newer);
          legacy.push(contents.apps);
        }
      } catch (error) {
        problems.push(error);
      }
    }
    // A decision file always wins over the old single file.
    for (const entries of legacy) for (const [appId, entry] of Object.entries(entries)) apps[appId] ??= entry;
    return { apps, problems };
  }

  async function read(only?: string): Promise<Record<string, PermissionEntry>> {
    const { apps, problems } = await readAll(only);
    report(problems, only === undefined);
    return apps;
  }

  let cleaned = false;
  /** Before a change: the folder is ours (created 0700 if missing), leftovers are gone, the old single file is moved over. */
  async function prepareWrite(): Promise<void> {
    await checkStoreDir(dir, true);
    if (!cleaned) {
      cleaned = true;
      await removeLeftovers();
    }
    await migrateLegacy(STORE_FILE_NAME);
  }

  async function removeLeftovers(): Promise<void> {
    for (const name of await readdir(dir)) {
      const isTemp = name.startsWith('.') && name.endsWith(TEMP_SUFFIX);
      const isOldLock = name === `${STORE_FILE_NAME}.lock`;
      const isClaim = LEGACY_CLAIM.test(name);
      if (!isTemp && !isOldLock && !isClaim) continue;
      try {
        const info = await lstat(join(dir, name));
        if (Date.now() - info.mtimeMs < LEFTOVER_AGE_MS) continue;
        // A claim left by a migration that was killed: finish it.
        if (isClaim) await migrateLegacy(name);
        else await unlink(join(dir, name));
      } catch (error) {
        if (!isCode(error, 'ENOENT')) throw error;
      }
    }
  }

  /**
   * Move the old single file's entries into decision files: claim the file by renaming it (one
   * process wins), create each entry's file unless one exists (a newer decision), remove the claim.
   * A file from a newer version, or one that cannot be trusted, is left alone.
   */
  async function migrateLegacy(name: string): Promise<void> {
    let contents: Awaited<ReturnType<typeof readLegacyFile>>;
    try {
      contents = await readLegacyFile(join(dir, name));
    } catch (error) {
      if (error instanceof StoreInsecureError) return;
      throw error;
    }
    if (!contents || contents.newer) return;
    const claim = join(
      dir,
      `.${STORE_FILE_NAME}.${process.pid}.${Math.random().toString(16).slice(2, 14) || '0'}.migrating`,
    );
    try {
      await rename(join(dir, name), claim);
    } catch (error) {
      if (isCode(error, 'ENOENT')) return; // another process has it
      throw error;
    }
    // Re-read what was claimed: the file may have been replaced between the read and the rename.
    const claimed = (await readLegacyFile(claim).catch(() => undefined)) ?? contents;
    for (const [appId, entry] of Object.entries(claimed.apps)) {
      await createFileIfAbsent(dir, decisionFileName(appId), serializeDecision(appId, entry));
    }
    await unlink(claim).catch(() => undefined);
  }

  /** The app's current file, refusing to touch one from a newer version. */
  async function existing(appId: string): Promise<DecisionFile | undefined> {
    const name = decisionFileName(appId);
    let file: DecisionFile | undefined;
    try {
      file = await readDecisionFile(join(dir, name), name);
    } catch {
      return undefined; // damaged or someone else's: replacing it is what the user asked for
    }
    if (file?.newer) throw file.newer;
    return file;
  }

  const seenPath = (appId: string) => join(dir, decisionFileName(appId).replace(DECISION_SUFFIX, SEEN_SUFFIX));
  /** An empty `<name>.seen` file: this app has run here. Best effort: a read-only or untrusted folder just skips it. */
  async function markSeen(appId: string): Promise<void> {
    try {
      if (!(await checkStoreDir(dir, true))) return;
      await (await open(seenPath(appId), 'wx', 0o600)).close();
    } catch {
      // EEXIST (seen before) or a folder we cannot write: nothing to do
    }
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
          const apps = sorted(await read());
          const text = JSON.stringify(apps);
          if (text !== last && !subscriber.closed) {
            last = text;
            subscriber.next(apps);
          }
        } while (again && !subscriber.closed);
      } catch (error) {
        // An unreadable folder (permissions, I/O) is reported; watching goes on.
        safely(error);
      } finally {
        reading = false;
      }
    };
    const stop = watchFile(
      dir,
      (name) => !name.endsWith(TEMP_SUFFIX),
      () => void refresh(),
      options.watch,
    );
    void refresh();
    return stop;
  }).pipe(shareReplay({ bufferSize: 1, refCount: true }));

  return {
    path: dir,
    async get(appId) {
      assertAppId(appId);
      const decision = (await read(appId))[appId]?.decision ?? 'undetermined';
      await markSeen(appId);
      return decision;
    },
    async known(appId) {
      assertAppId(appId);
      if ((await read(appId))[appId]) return true;
      try {
        await lstat(seenPath(appId));
        return true;
      } catch {
        return false;
      }
    },
    async list() {
      return sorted(await read());
    },
    async set(appId, decision) {
      assertAppId(appId);
      if (decision !== 'granted' && decision !== 'denied') {
        throw new InvalidArgumentError('decision', decision, '"granted" or "denied"');
      }
      await prepareWrite();
      await existing(appId);
      await replaceFile(
        dir,
        decisionFileName(appId),
        serializeDecision(appId, { decision, time: new Date().toISOString() }),
      );
    },
    async reset(appId) {
      assertAppId(appId);
      await prepareWrite();
      await existing(appId);
      try {
        await unlink(join(dir, decisionFileName(appId)));
        return true;
      } catch (error) {
        if (isCode(error, 'ENOENT')) return false;
        throw error;
      }
    },
    async resetAll() {
      await prepareWrite();
      await removeLeftovers();
      let count = 0;
      const kept: unknown[] = [];
      for (const name of await readdir(dir)) {
        if (!name.endsWith(DECISION_SUFFIX) || name.startsWith('.')) continue;
        let file: DecisionFile | undefined;
        try {
          file = await readDecisionFile(join(dir, name), name);
        } catch {
          file = undefined; // damaged: removing it is fine
        }
        if (file?.newer) {
          kept.push(file.newer);
          continue;
        }
        try {
          await unlink(join(dir, name));
          if (file?.entry) count++;
        } catch (error) {
          if (!isCode(error, 'ENOENT')) throw error;
        }
      }
      for (const error of kept) safely(error);
      return count;
    },
    snapshots: () => snapshots$,
  };
}

function sorted(apps: Record<string, PermissionEntry>): PermissionSnapshot {
  const out: Record<string, PermissionEntry> = Object.create(null);
  for (const appId of Object.keys(apps).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
    out[appId] = Object.freeze({ ...apps[appId]! });
  return Object.freeze(out);
}
