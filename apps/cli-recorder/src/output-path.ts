import { accessSync, constants, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';

export type OutputProblem = 'exists' | 'directory' | 'no-folder' | 'not-writable';

export type OutputCheck = { ok: true; warning?: 'not-wav' } | { ok: false; problem: OutputProblem };

/** Can `path` take the recording? Checked before the microphone is asked for. */
export function checkOutputPath(path: string, force: boolean): OutputCheck {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats?.isDirectory()) return { ok: false, problem: 'directory' };
  if (stats && !force) return { ok: false, problem: 'exists' };
  const folder = dirname(resolve(path));
  const folderStats = statSync(folder, { throwIfNoEntry: false });
  if (!folderStats?.isDirectory()) return { ok: false, problem: 'no-folder' };
  try {
    accessSync(stats ? path : folder, constants.W_OK);
  } catch {
    return { ok: false, problem: 'not-writable' };
  }
  return extname(path).toLowerCase() === '.wav' ? { ok: true } : { ok: true, warning: 'not-wav' };
}
