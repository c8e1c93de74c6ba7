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

/** `document.permissionsPolicy` (or Chromium's older `document.featurePolicy`). */
interface PermissionsPolicyLike {
  allowsFeature(feature: string): boolean;
}

/** Why the frame can never record, whatever the site's permission says. */
const POLICY_BLOCKED_REASON =
  'the page runs in a frame whose permissions policy does not allow the microphone: the embedding page must give the iframe allow="microphone"';

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
  /** Set while the frame's permissions policy blocks the microphone (status is then 'denied'). */
  readonly reason: string | undefined;
  /** Whether the Permissions API answers for the microphone here (so outside changes reach the page); undefined until first asked. */
  readonly queryable: boolean | undefined;
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
  const permissions =
    'permissions' in options ? options.permissions : (globalThis.navigator?.permissions as PermissionsLike | undefined);
  const win = options.window ?? (typeof window === 'undefined' ? undefined : window);
  const doc = options.document ?? (typeof document === 'undefined' ? undefined : document);
  const noticed = new Subject<RecordPermission>();
  let learned: RecordPermission | undefined;
  let queryable: boolean | undefined;
  const policy = permissionsPolicyOf(doc);

  /** The frame's permissions policy is fixed when the frame loads; the site's permission does not change it. */
  function blockedByPolicy(): boolean {
    try {
      return policy !== undefined && policy.allowsFeature('microphone') === false;
    } catch {
      return false;
    }
  }

  async function query(): Promise<PermissionStatusLike | undefined> {
    if (!permissions || typeof permissions.query !== 'function') {
      queryable = false;
      return undefined;
    }
    try {
      const current = await permissions.query({ name: 'microphone' });
      queryable = true;
      return current;
    } catch {
      queryable = false;
      return undefined; // TypeError: the name is not supported here
    }
  }

  async function status(): Promise<RecordPermission> {
    // The Permissions API answers for the site, so it says 'granted' inside a frame that can never record.
    if (blockedByPolicy()) return 'denied';
    const current = await query();
    if (current) return toRecordPermission(current.state);
    return learned ?? 'undetermined';
  }

  /**
   * `change` events seen so far. Firefox settles getUserMedia before it stores a remembered Block:
   * the re-check after that answer can start while the store still says 'prompt', and resolve after
   * the `change` event that says 'denied'. A re-check that a `change` overtook is stale: not reported.
   */
  let statusEvents = 0;

  async function recheck(): Promise<RecordPermission> {
    const eventsBefore = statusEvents;
    const value = await status();
    if (statusEvents === eventsBefore) noticed.next(value);
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
        statusEvents++;
        if (watched) report(blockedByPolicy() ? 'denied' : toRecordPermission(watched.state));
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
          last ??= blockedByPolicy() ? 'denied' : toRecordPermission(current.state);
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

  return {
    status,
    changes,
    learn,
    recheck,
    get reason() {
      return blockedByPolicy() ? POLICY_BLOCKED_REASON : undefined;
    },
    get queryable() {
      return queryable;
    },
  };
}

function permissionsPolicyOf(doc: unknown): PermissionsPolicyLike | undefined {
  if (doc === null || typeof doc !== 'object') return undefined;
  const { permissionsPolicy, featurePolicy } = doc as { permissionsPolicy?: unknown; featurePolicy?: unknown };
  for (const candidate of [permissionsPolicy, featurePolicy]) {
    if (
      candidate !== null &&
      typeof candidate === 'object' &&
      typeof (candidate as PermissionsPolicyLike).allowsFeature === 'function'
    ) {
      return candidate as PermissionsPolicyLike;
    }
  }
  return undefined;
}
