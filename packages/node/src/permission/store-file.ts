import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isAppId } from './app-id.js';
import { isCode } from './lock.js';

/** A remembered decision; 'undetermined' is the absence of an entry. */
export type StoredDecision = 'granted' | 'denied';

export interface PermissionEntry {
  decision: StoredDecision;
  /** When it was decided, ISO 8601. */
  time: string;
}

/** Every app's entry, keyed by app id. */
export type PermissionSnapshot = Readonly<Record<string, Readonly<PermissionEntry>>>;

export interface StoreFileContents {
  apps: Record<string, PermissionEntry>;
  /** Why the file could not be (fully) read, for a warning; empty when it was fine. */
  problems: string[];
}

const FORMAT_VERSION = 1;

/** Read the store. A missing file is empty; a corrupt one is reported and read as empty (everything undetermined). */
export async function readStoreFile(path: string): Promise<StoreFileContents> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return { apps: Object.create(null), problems: [] };
    throw error;
  }
  return parseStore(text);
}

export function parseStore(text: string): StoreFileContents {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { apps: Object.create(null), problems: [`it is not valid JSON (${(error as Error).message})`] };
  }
  if (!isRecord(data) || !isRecord(data.apps)) {
    return { apps: Object.create(null), problems: ['it has no "apps" object'] };
  }
  if (data.version !== FORMAT_VERSION) {
    return { apps: Object.create(null), problems: [`its version is ${JSON.stringify(data.version)}, not ${FORMAT_VERSION}`] };
  }
  // No prototype: an app id such as "__proto__" must stay a plain key.
  const apps: Record<string, PermissionEntry> = Object.create(null);
  const problems: string[] = [];
  for (const [appId, entry] of Object.entries(data.apps)) {
    if (isAppId(appId) && isRecord(entry) && (entry.decision === 'granted' || entry.decision === 'denied') && typeof entry.time === 'string') {
      apps[appId] = { decision: entry.decision, time: entry.time };
    } else {
      problems.push(`its entry ${JSON.stringify(appId)} is not a valid decision`);
    }
  }
  return { apps, problems };
}

export function serializeStore(apps: Record<string, PermissionEntry>): string {
  const sorted = Object.fromEntries(Object.entries(apps).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify({ version: FORMAT_VERSION, apps: sorted }, null, 2)}\n`;
}

/** Make the store's directory (0700) if it is missing. */
export async function ensureStoreDir(path: string): Promise<void> {
  const dir = dirname(path);
  const created = await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask; the store's own directory must be private.
  if (created !== undefined) await chmod(dir, 0o700);
}

/**
 * Replace the file atomically: write a 0600 temp file in the same directory, flush it, rename it
 * over the old one. A reader sees the old file or the new one, never half of one.
 */
export async function writeStoreFileAtomically(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(text, 'utf8');
      await handle.chmod(0o600);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** Make the rename itself durable; some file systems refuse to fsync a directory, which is fine. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
