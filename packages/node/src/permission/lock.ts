import { randomBytes } from 'node:crypto';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { MicgateError } from '@micgate/core';

export interface LockOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** A lock older than this is taken to be left behind by a crashed writer (default 15 s). */
  staleMs?: number;
}

/** The store's lock could not be taken in time. */
export class StoreLockedError extends MicgateError {
  readonly lockPath: string;
  constructor(lockPath: string) {
    super('ERR_MICGATE_STORE_LOCKED', `the permission store is locked by another process (${lockPath}); try again, or remove the lock file if no micgate process is running`);
    this.lockPath = lockPath;
  }
}

/**
 * Run `work` while holding `lockPath`, a file created with O_EXCL that holds "pid token time".
 * A lock whose owner process is gone (same host) or that is older than `staleMs` is removed.
 */
export function withFileLock<T>(lockPath: string, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  // Writers in this process queue here first, so only one of them at a time polls the lock file.
  const previous = queues.get(lockPath) ?? Promise.resolve();
  const result = previous.then(async () => {
    const release = await acquire(lockPath, options);
    try {
      return await work();
    } finally {
      await release();
    }
  });
  const tail = result.then(
    () => undefined,
    () => undefined,
  );
  queues.set(lockPath, tail);
  void tail.then(() => {
    if (queues.get(lockPath) === tail) queues.delete(lockPath);
  });
  return result;
}

const queues = new Map<string, Promise<void>>();

async function acquire(lockPath: string, { timeoutMs = 10_000, staleMs = 15_000 }: LockOptions): Promise<() => Promise<void>> {
  const token = randomBytes(8).toString('hex');
  const content = `${process.pid} ${token} ${Date.now()}\n`;
  const deadline = Date.now() + timeoutMs;
  let wait = 2;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(content);
      } finally {
        await handle.close();
      }
      return () => releaseIfOurs(lockPath, token);
    } catch (error) {
      if (!isCode(error, 'EEXIST')) throw error;
    }
    await removeIfStale(lockPath, staleMs);
    if (Date.now() >= deadline) throw new StoreLockedError(lockPath);
    // Jittered backoff so two writers do not retry in lockstep.
    await delay(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 50);
  }
}

async function releaseIfOurs(lockPath: string, token: string): Promise<void> {
  const holder = await readLock(lockPath);
  if (holder?.token === token) await unlink(lockPath).catch(ignoreMissing);
}

async function removeIfStale(lockPath: string, staleMs: number): Promise<void> {
  const holder = await readLock(lockPath);
  if (!holder) return;
  let age: number;
  try {
    age = Date.now() - (await stat(lockPath)).mtimeMs;
  } catch (error) {
    if (isCode(error, 'ENOENT')) return;
    throw error;
  }
  // A lock being written right now is empty for a moment: only an old empty lock is stale.
  const ownerGone = holder.pid !== undefined && !processExists(holder.pid);
  if (!ownerGone && age < staleMs) return;
  // Re-read just before removing: if another process already broke it and took a new lock, leave that one.
  const again = await readLock(lockPath);
  if (again?.raw === holder.raw) await unlink(lockPath).catch(ignoreMissing);
}

interface LockHolder {
  raw: string;
  pid: number | undefined;
  token: string | undefined;
}

async function readLock(lockPath: string): Promise<LockHolder | undefined> {
  let raw: string;
  try {
    raw = await readFile(lockPath, 'utf8');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined;
    throw error;
  }
  const [pidText, token] = raw.trim().split(' ');
  const pid = Number(pidText);
  return { raw, pid: Number.isInteger(pid) && pid > 0 ? pid : undefined, token };
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return isCode(error, 'EPERM');
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}

function ignoreMissing(error: unknown): void {
  if (!isCode(error, 'ENOENT')) throw error;
}
