import type { AudioInputDevice } from '@micgate/core';
import { Observable, ReplaySubject, share } from 'rxjs';
import { scanInputs } from './devices.js';
import { serverEvents } from './sound-server.js';
import { DEFAULT_TIMEOUT_SECONDS } from './timeout.js';

/** With no sound server to announce changes, how often PortAudio's list is re-probed. */
const POLL_MS = 1_000;

/**
 * The inputs now, then the whole list again on every change (plug, unplug, a new default).
 * With a sound server the trigger is its own announcement (`pactl subscribe`), so a change shows
 * within a scan (tens of ms); without one, PortAudio is re-probed every second, which it only does
 * while no stream is open (Pa_Terminate would end open streams). One watcher per thread, shared by
 * every subscriber (a new subscriber gets the latest list at once); it never keeps the process alive.
 */
export function inputDeviceChanges(): Observable<readonly AudioInputDevice[]> {
  return changes$;
}

const changes$ = new Observable<readonly AudioInputDevice[]>((subscriber) => {
  let stopped = false;
  let scanning = false;
  let again = false;
  let last: string | undefined;
  let poll: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;

  const scan = async () => {
    if (scanning) {
      again = true;
      return;
    }
    scanning = true;
    try {
      do {
        again = false;
        const list = (await scanInputs(DEFAULT_TIMEOUT_SECONDS)).map((entry) => Object.freeze(entry.device));
        const key = JSON.stringify(list);
        if (!stopped && key !== last) {
          last = key;
          subscriber.next(Object.freeze(list));
        }
      } while (again && !stopped);
    } catch {
      // A sound server that did not answer in time: ask again shortly (a frozen one answers nothing).
      if (!stopped && poll === undefined) {
        clearTimeout(retry);
        retry = setTimeout(scan, POLL_MS);
        retry.unref();
      }
    } finally {
      scanning = false;
    }
  };

  const events = serverEvents().subscribe({
    next: () => void scan(),
    // No `pactl`, no server, or the server went away: poll instead.
    error: () => {
      if (stopped) return;
      poll = setInterval(scan, POLL_MS);
      poll.unref();
      void scan();
    },
  });
  void scan();
  return () => {
    stopped = true;
    events.unsubscribe();
    clearInterval(poll);
    clearTimeout(retry);
  };
}).pipe(share({ connector: () => new ReplaySubject(1), resetOnRefCountZero: true }));
