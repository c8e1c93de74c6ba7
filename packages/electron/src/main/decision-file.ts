import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, isRecordPermission, type RecordPermission } from '@micgate/core';
import type { DecisionStore } from './decision-store.js';

export const DECISION_FILE_NAME = 'micgate-microphone.json';

interface DecisionFileContents {
  version: 1;
  microphone: RecordPermission;
  decidedAt: string;
}

export interface DecisionFileOptions {
  /** Told when the file exists but cannot be read or parsed (the decision is then undetermined). */
  onError?: (error: unknown) => void;
}

/**
 * The decision as JSON in the app's userData folder. Writes go to a private temporary file
 * (mode 0600) that is flushed and renamed over the old one, so a crash leaves the old decision
 * or the new one, never half a file. Writes are serialised; the last one wins.
 */
export function decisionFile(
  userDataPath: string,
  options: DecisionFileOptions = {},
): DecisionStore & { path: string } {
  if (typeof userDataPath !== 'string' || userDataPath.trim() === '') {
    throw new InvalidArgumentError('userDataPath', userDataPath, "a folder path (Electron's app.getPath('userData'))");
  }
  const path = join(userDataPath, DECISION_FILE_NAME);
  const onError =
    options.onError ?? ((error: unknown) => console.error('micgate: cannot read the microphone decision', error));
  let writes: Promise<void> = Promise.resolve();

  function load(): RecordPermission {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') onError(error);
      return 'undetermined';
    }
    try {
      const parsed = JSON.parse(text) as Partial<DecisionFileContents> | null;
      if (parsed !== null && typeof parsed === 'object' && isRecordPermission(parsed.microphone))
        return parsed.microphone;
      onError(new Error(`${path} holds no microphone decision; treating it as undetermined`));
    } catch (error) {
      onError(error);
    }
    return 'undetermined';
  }

  async function write(decision: RecordPermission): Promise<void> {
    const contents: DecisionFileContents = { version: 1, microphone: decision, decidedAt: new Date().toISOString() };
    await mkdir(userDataPath, { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const handle = await open(temporary, 'wx', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(contents, null, 2)}\n`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  function save(decision: RecordPermission): Promise<void> {
    if (!isRecordPermission(decision)) {
      return Promise.reject(new InvalidArgumentError('decision', decision, "'undetermined', 'denied' or 'granted'"));
    }
    const next = writes.then(() => write(decision));
    writes = next.catch(() => undefined);
    return next;
  }

  return { path, load, save };
}
