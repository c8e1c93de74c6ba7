import type { Session, WebContents } from 'electron';
import type { PermissionState } from '../shared/protocol.js';

export type PermissionRequestHandler = NonNullable<Parameters<Session['setPermissionRequestHandler']>[0]>;
export type PermissionCheckHandler = NonNullable<Parameters<Session['setPermissionCheckHandler']>[0]>;

export interface PermissionHandlerDeps {
  isAllowedOrigin(origin: string | null | undefined): boolean;
  /** The state from memory, synchronously: the check handler runs on every permission check. */
  current(): PermissionState;
  /** Ask (the remembered answer, or the shared dialog) for a page's getUserMedia. */
  request(requester: WebContents): Promise<PermissionState>;
  otherPermissions:
    | { request?: PermissionRequestHandler | undefined; check?: PermissionCheckHandler | undefined }
    | undefined;
  onError(error: unknown): void;
}

/**
 * Chromium's side: the session's request and check handlers. The microphone alone, for the
 * app's own origins only; video and every other permission are refused unless the app passed
 * its own handlers for them (Electron's default would approve them all).
 */
export function createPermissionHandlers(deps: PermissionHandlerDeps): {
  request: PermissionRequestHandler;
  check: PermissionCheckHandler;
} {
  const otherRequest = deps.otherPermissions?.request;
  const otherCheck = deps.otherPermissions?.check;

  const request: PermissionRequestHandler = (webContents, permission, callback, details) => {
    if (permission !== 'media') {
      if (otherRequest) otherRequest(webContents, permission, callback, details);
      else callback(false);
      return;
    }
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    // The frame's security origin, never its URL: a URL can be made to look like the app's own.
    // A request that does not say which origin asks is refused.
    const origin = 'securityOrigin' in details ? details.securityOrigin : undefined;
    if (mediaTypes.includes('video') || !mediaTypes.includes('audio') || !deps.isAllowedOrigin(origin)) {
      callback(false);
      return;
    }
    deps.request(webContents).then(
      (state) => callback(state.permission === 'granted'),
      (error: unknown) => {
        deps.onError(error);
        callback(false);
      },
    );
  };

  const check: PermissionCheckHandler = (webContents, permission, requestingOrigin, details) => {
    if (permission !== 'media')
      return otherCheck ? otherCheck(webContents, permission, requestingOrigin, details) : false;
    if (details.mediaType !== 'audio') return false;
    if (!deps.isAllowedOrigin(details.securityOrigin)) return false;
    return deps.current().permission === 'granted';
  };

  return { request, check };
}
