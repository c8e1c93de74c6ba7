import type { RecordPermission } from '@micgate/core';
import { Observable, Subject } from 'rxjs';

/** The part of `navigator.permissions` micgate uses. */
export interface PermissionsLike {
  query(descriptor: { name: 'microphone' }): Promise<PermissionStatusLike>;
}

/** The part of a PermissionStatus micgate uses; `change` may never fire (Safari). */
export interface PermissionStatusLike {
  readonly state: string;
  addEventListener?(type: 'change', listener: () => void): void;
  removeEventListener?(type: 'change', listener: () => void): void;
}

export interface PermissionWatcherOptions {
  /** Defaults to `navigator.permissions`; `null` behaves as a browser without the Permissions API. */
  permissions?: PermissionsLike | null | undefined;
  /** Where `focus` is listened for; defaults to `window`. */
  window?: EventTarget | undefined;
  /** Where `visibilitychange` is listened for; defaults to `document`. */
  document?: (EventTarget & { readonly visibilityState?: string }) | undefined;
}

export interface PermissionWatcher {
  /** The browser's remembered decision, or what getUserMedia taught us where it cannot be queried. */
  status(): Promise<RecordPermission>;
  /** Every change of the decision, however it was noticed. */
  changes(): Observable<RecordPermission>;
  /** Tell the watcher what a getUserMedia call showed; it re-checks (or believes it, without the API). */
  learn(outcome: RecordPermission): void;
  /** Read the status again now and report it to `changes()` subscribers if it moved. */
  recheck(): Promise<RecordPermission>;
}

export function toRecordPermission(state: string): RecordPermission {
  if (state === 'granted') return 'granted';
  if (state === 'denied') return 'denied';
  return 'undetermined';
}

/**
 * Reads the microphone permission from the Permissions API where it can, and watches it through
 * three channels so a browser that lacks one still reports changes: the PermissionStatus `change`
 * event, a re-query when the page becomes visible or gets focus (Safari never fires `change`),
 * and what getUserMedia calls taught us (older Firefox throws on the `microphone` name).
 */
export function createPermissionWatcher(options: PermissionWatcherOptions = {}): PermissionWatcher {
  const permissions = 'permissions' in options ? options.permissions : (globalThis.navigator?.permissions as PermissionsLike | undefined);
  const win = options.window ?? (typeof window === 'undefined' ? undefined : window);
  const doc = options.document ?? (typeof document === 'undefined' ? undefined : document);
  const noticed = new Subject<RecordPermission>();
  let learned: RecordPermission | undefined;

  async function query(): Promise<PermissionStatusLike | undefined> {
    if (!permissions || typeof permissions.query !== 'function') return undefined;
    try {
      return await permissions.query({ name: 'microphone' });
    } catch {
      return undefined; // TypeError: the name is not supported here
    }
  }

  async function status(): Promise<RecordPermission> {
    const current = await query();
    if (current) return toRecordPermission(current.state);
    return learned ?? 'undetermined';
  }

  async function recheck(): Promise<RecordPermission> {
    const value = await status();
    noticed.next(value);
    return value;
  }

  function learn(outcome: RecordPermission): void {
    learned = outcome;
    recheck().catch(() => undefined);
  }

  function changes(): Observable<RecordPermission> {
    return new Observable<RecordPermission>((subscriber) => {
      let last: RecordPermission | undefined;
      let watched: PermissionStatusLike | undefined;
      let stopped = false;
      const report = (value: RecordPermission) => {
        if (stopped || value === last) return;
        last = value;
        subscriber.next(value);
      };
      const onStatusChange = () => {
        if (watched) report(toRecordPermission(watched.state));
      };
      const onReturn = () => {
        if (doc?.visibilityState === 'hidden') return;
        recheck().catch(() => undefined);
      };
      const fromNoticed = noticed.subscribe((value) => {
        // The first value seeds `last` silently unless a status was already known.
        if (last === undefined) last = value;
        else report(value);
      });

      query().then((current) => {
        if (stopped) return;
        if (current) {
          last ??= toRecordPermission(current.state);
          watched = current;
          current.addEventListener?.('change', onStatusChange);
        } else {
          last ??= learned ?? 'undetermined';
        }
      });
      win?.addEventListener('focus', onReturn);
      doc?.addEventListener('visibilitychange', onReturn);

      return () => {
        stopped = true;
        fromNoticed.unsubscribe();
        watched?.removeEventListener?.('change', onStatusChange);
        win?.removeEventListener('focus', onReturn);
        doc?.removeEventListener('visibilitychange', onReturn);
      };
    });
  }

  return { status, changes, learn, recheck };
}
