import { createHash, randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isAppId } from './app-id.js';
import { StoreDamagedError, StoreVersionError } from './errors.js';
import { isCode, openStoreFile } from './safe-fs.js';
import { shown } from './shown.js';

/** A remembered decision; 'undetermined' is the absence of an entry. */
export type StoredDecision = 'granted' | 'denied';

export interface PermissionEntry {
  decision: StoredDecision;
  /** When it was decided, ISO 8601 (UTC). */
  time: string;
}

/** Every app's entry, keyed by app id. */
export type PermissionSnapshot = Readonly<Record<string, Readonly<PermissionEntry>>>;

const FORMAT_VERSION = 1;
export const DECISION_SUFFIX = '.decision.json';
/** A decision file is a few dozen bytes; anything much larger is not one (and is not read into memory). */
const MAX_FILE_BYTES = 64 * 1024;

/** What one decision file says. `newer`: written by a newer version (read as far as it could be; never rewrite it). */
export interface DecisionFile {
  appId: string;
  entry: PermissionEntry | undefined;
  newer: StoreVersionError | undefined;
}

/**
 * The file name of an app's decision: the app id with `/`, upper-case letters (case-insensitive
 * file systems) and a leading dot escaped as `%xx`; a name that would be too long is a hash.
 * The file also holds the app id, and a file whose name does not match its id is refused.
 */
export function decisionFileName(appId: string): string {
  const escaped = appId.replace(/[^a-z0-9._@+-]|^\./g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  const name = escaped.length <= 150 ? escaped : `%%${createHash('sha256').update(appId).digest('hex')}`;
  return `${name}${DECISION_SUFFIX}`;
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;

/** A time the store wrote: ISO 8601 in UTC that is a real date. */
function isStoreTime(value: unknown): value is string {
  return typeof value === 'string' && ISO_TIME.test(value) && Number.isFinite(Date.parse(value));
}

/** Check one entry's fields; a reason when it is not a decision. */
function checkEntry(value: unknown): { entry: PermissionEntry } | { reason: string } {
  if (!isRecord(value)) return { reason: 'it is not an object' };
  if (value.decision !== 'granted' && value.decision !== 'denied') {
    return {
      reason: `its decision ${shown(JSON.stringify(value.decision) ?? 'is missing', 40)} is not "granted" or "denied"`,
    };
  }
  if (!isStoreTime(value.time))
    return { reason: `its time ${shown(JSON.stringify(value.time) ?? 'is missing', 60)} is not an ISO 8601 UTC time` };
  return { entry: { decision: value.decision, time: value.time } };
}

/** Read one decision file; undefined when it is missing. Throws the store's typed errors for a file it cannot use. */
export async function readDecisionFile(path: string, fileName: string): Promise<DecisionFile | undefined> {
  const data = await readJson(path);
  if (data === undefined) return undefined;
  if (!isRecord(data)) throw new StoreDamagedError(path, 'it is not a JSON object');
  const newer = isNewerVersion(data.version) ? new StoreVersionError(path, data.version) : undefined;
  if (data.version !== FORMAT_VERSION && !newer)
    throw new StoreDamagedError(
      path,
      `its version ${shown(JSON.stringify(data.version) ?? 'is missing', 20)} is not ${FORMAT_VERSION}`,
    );
  if (!isAppId(data.appId))
    throw new StoreDamagedError(
      path,
      `its app id ${shown(JSON.stringify(data.appId) ?? 'is missing', 60)} is not an app id`,
    );
  if (decisionFileName(data.appId) !== fileName)
    throw new StoreDamagedError(path, `it names app ${shown(data.appId, 60)}, which belongs in another file`);
  const checked = checkEntry(data);
  if ('reason' in checked) {
    if (newer) return { appId: data.appId, entry: undefined, newer };
    throw new StoreDamagedError(path, checked.reason);
  }
  return { appId: data.appId, entry: checked.entry, newer };
}

export function serializeDecision(appId: string, entry: PermissionEntry): string {
  return `${JSON.stringify({ version: FORMAT_VERSION, appId, decision: entry.decision, time: entry.time }, null, 2)}\n`;
}

/** A file of the single-file format (`permissions.json`, before decision files): its entries and what was wrong. */
export interface LegacyContents {
  apps: Record<string, PermissionEntry>;
  problems: StoreDamagedError[];
  newer: StoreVersionError | undefined;
}

export async function readLegacyFile(path: string): Promise<LegacyContents | undefined> {
  let data: unknown;
  try {
    data = await readJson(path);
  } catch (error) {
    if (error instanceof StoreDamagedError) return { apps: Object.create(null), problems: [error], newer: undefined };
    throw error;
  }
  if (data === undefined) return undefined;
  // No prototype: an app id such as "__proto__" must stay a plain key.
  const apps: Record<string, PermissionEntry> = Object.create(null);
  if (!isRecord(data) || !isRecord(data.apps))
    return { apps, problems: [new StoreDamagedError(path, 'it has no "apps" object')], newer: undefined };
  const newer = isNewerVersion(data.version) ? new StoreVersionError(path, data.version) : undefined;
  if (data.version !== FORMAT_VERSION && !newer) {
    return {
      apps,
      problems: [
        new StoreDamagedError(
          path,
          `its version ${shown(JSON.stringify(data.version) ?? 'is missing', 20)} is not ${FORMAT_VERSION}`,
        ),
      ],
      newer,
    };
  }
  const bad: string[] = [];
  for (const [appId, value] of Object.entries(data.apps)) {
    const checked = checkEntry(value);
    if (isAppId(appId) && 'entry' in checked) apps[appId] = checked.entry;
    else bad.push(`${shown(appId, 60)} (${isAppId(appId) ? (checked as { reason: string }).reason : 'not an app id'})`);
  }
  // A newer version may hold entries this one cannot read: those are its business, not damage.
  const problems =
    bad.length === 0 || newer
      ? []
      : [
          new StoreDamagedError(
            path,
            `${bad.length} ${bad.length === 1 ? 'entry is not a valid decision' : 'entries are not valid decisions'}: ${bad.slice(0, 3).join(', ')}${bad.length > 3 ? ', …' : ''}`,
          ),
        ];
  return { apps, problems, newer };
}

async function readJson(path: string): Promise<unknown> {
  const handle = await openStoreFile(path);
  if (!handle) return undefined;
  let text: string;
  try {
    if ((await handle.stat()).size > MAX_FILE_BYTES)
      throw new StoreDamagedError(path, `it is larger than ${MAX_FILE_BYTES} bytes`);
    text = await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // The parser's message quotes the file: shown() keeps it short and harmless.
    throw new StoreDamagedError(path, `it is not valid JSON (${shown((error as Error).message, 120)})`);
  }
}

function isNewerVersion(version: unknown): boolean {
  return typeof version === 'number' && Number.isInteger(version) && version > FORMAT_VERSION;
}

/** The temp files of this module: `.<name>.<pid>.<random>.tmp`, removed when a writer was killed. */
export const TEMP_SUFFIX = '.tmp';

function tempPath(dir: string, fileName: string): string {
  return join(dir, `.${fileName}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
}

async function writeTemp(dir: string, fileName: string, text: string): Promise<string> {
  const temp = tempPath(dir, fileName);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.chmod(0o600);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return temp;
}

/**
 * Replace `dir/fileName` atomically: a flushed 0600 temp file renamed over it. Readers see the old
 * file or the new one, never half of one; concurrent writers of one file: the last rename wins.
 */
export async function replaceFile(dir: string, fileName: string, text: string): Promise<void> {
  const temp = await writeTemp(dir, fileName, text);
  try {
    await rename(temp, join(dir, fileName));
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

/** Create `dir/fileName` only if there is none (link() fails when the name exists); resolves whether it did. */
export async function createFileIfAbsent(dir: string, fileName: string, text: string): Promise<boolean> {
  const temp = await writeTemp(dir, fileName, text);
  try {
    await link(temp, join(dir, fileName));
    return true;
  } catch (error) {
    if (isCode(error, 'EEXIST')) return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Make a rename durable; some file systems refuse to fsync a folder, which is fine. */
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
