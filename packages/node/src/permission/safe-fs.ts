import { constants } from 'node:fs';
import { chmod, type FileHandle, lstat, mkdir, open, stat } from 'node:fs/promises';
import { StoreInsecureError } from './errors.js';

/** The effective user; undefined where there are no uids (Windows), where these checks do not apply. */
const euid = (): number | undefined => process.geteuid?.();

export function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}

/**
 * Check the store's folder before using it. It must be a folder owned by you; a symbolic link is
 * followed only if you own the link. Your own folder open to others (0777) is tightened to 0700:
 * anything another user could have put in it is refused file by file. `create` makes a missing
 * folder (0700). Resolves false when the folder is missing (and not created); throws
 * StoreInsecureError when it cannot be trusted.
 */
export async function checkStoreDir(dir: string, create: boolean): Promise<boolean> {
  let info: Awaited<ReturnType<typeof lstat>>;
  try {
    info = await lstat(dir);
  } catch (error) {
    if (!isCode(error, 'ENOENT')) throw error;
    if (!create) return false;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    info = await lstat(dir);
  }
  const me = euid();
  if (info.isSymbolicLink()) {
    if (me !== undefined && info.uid !== me) {
      throw new StoreInsecureError(dir, `it is a symbolic link owned by uid ${info.uid}, not by you (uid ${me})`);
    }
    info = await stat(dir);
  }
  if (!info.isDirectory()) throw new StoreInsecureError(dir, 'it is not a folder');
  if (me === undefined) return true;
  if (info.uid !== me) throw new StoreInsecureError(dir, `it is owned by uid ${info.uid}, not by you (uid ${me})`);
  if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
  return true;
}

/**
 * Open a store file for reading without following a symbolic link, and check the opened file
 * itself (no race between check and read): a regular file owned by you that others cannot write.
 * Resolves undefined when it is missing.
 */
export async function openStoreFile(path: string): Promise<FileHandle | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined;
    if (isCode(error, 'ELOOP')) throw new StoreInsecureError(path, 'it is a symbolic link');
    throw error;
  }
  try {
    const info = await handle.stat();
    const me = euid();
    if (!info.isFile()) throw new StoreInsecureError(path, 'it is not a regular file');
    if (me !== undefined && info.uid !== me)
      throw new StoreInsecureError(path, `it is owned by uid ${info.uid}, not by you (uid ${me})`);
    if (me !== undefined && (info.mode & 0o022) !== 0) throw new StoreInsecureError(path, 'it is writable by others');
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}
