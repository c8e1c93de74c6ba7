import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface FileWatchOptions {
  /** Use fs.watch on the directory (default true); the poll runs either way. */
  useFsWatch?: boolean;
  /** How often the poll compares the folder's identity and times (default 250 ms). */
  pollMs?: number;
  /** Quiet time before reporting, so one write's burst of events is one report (default 40 ms). */
  debounceMs?: number;
}

/**
 * Call `onChange` (debounced) when a file in `dir` that `accept`s its name may have changed:
 * fs.watch on the folder sees renames into it at once; a poll of the folder's stat (a rename or
 * removal in it changes its times) catches what fs.watch misses (network file systems, a folder
 * created or replaced later). Nothing here keeps the process alive, and the returned function
 * releases everything.
 */
export function watchFile(
  dir: string,
  accept: (fileName: string) => boolean,
  onChange: () => void,
  options: FileWatchOptions = {},
): () => void {
  const { useFsWatch = true, pollMs = 250, debounceMs = 40 } = options;
  const path = dir;
  let stopped = false;
  let watcher: FSWatcher | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let lastSignature: string | undefined;
  let polling = false;

  const schedule = () => {
    if (stopped) return;
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = undefined;
      if (!stopped) onChange();
    }, debounceMs);
    debounce.unref();
  };

  const attach = () => {
    if (!useFsWatch || watcher || stopped) return;
    try {
      watcher = watch(dir, { persistent: false }, (_event, changed) => {
        if (changed === null || accept(String(changed))) schedule();
      });
      watcher.on('error', detach);
    } catch {
      watcher = undefined; // the directory does not exist yet: the poll retries
    }
  };
  const detach = () => {
    watcher?.close();
    watcher = undefined;
  };

  const poll = async () => {
    if (polling || stopped) return;
    polling = true;
    try {
      const signature = await fileSignature(path);
      if (lastSignature !== undefined && signature !== lastSignature) {
        // The directory may have been replaced under a live watcher: watch the new one.
        if (signature === 'missing' || lastSignature === 'missing') detach();
        schedule();
      }
      lastSignature = signature;
      attach();
    } finally {
      polling = false;
    }
  };

  attach();
  void poll();
  const timer = setInterval(() => void poll(), pollMs);
  timer.unref();

  return () => {
    stopped = true;
    clearInterval(timer);
    if (debounce) clearTimeout(debounce);
    detach();
  };
}

async function fileSignature(path: string): Promise<string> {
  try {
    const info = await stat(path, { bigint: true });
    return `${info.dev}:${info.ino}:${info.mtimeNs}:${info.ctimeNs}`;
  } catch {
    return 'missing';
  }
}
