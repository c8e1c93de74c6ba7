import {
  InvalidArgumentError,
  isRecordPermission,
  PromptUnavailableError,
  type RecordPermission,
  singleFlight,
} from '@micgate/core';
import type { BaseWindow, Dialog, IpcMain, Session, Shell, SystemPreferences, WebContents } from 'electron';
import type { PermissionState } from '../shared/protocol.js';
import { createDecisionState } from './decision-state.js';
import type { DecisionStore } from './decision-store.js';
import { askWithDialog } from './dialog.js';
import { handleBridge } from './ipc.js';
import { originMatcher } from './origin.js';
import {
  createPermissionHandlers,
  type PermissionCheckHandler,
  type PermissionRequestHandler,
} from './permission-handlers.js';
import { checkBridgeRequest, checkBrokerOptions } from './validation.js';

export interface MicrophoneBrokerOptions {
  /** The session whose renderers record (usually `session.defaultSession`). */
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  dialog: Pick<Dialog, 'showMessageBox'>;
  /** Required on macOS: the system's own microphone permission (TCC). On Windows, read for the global switch. */
  systemPreferences?: Pick<SystemPreferences, 'askForMediaAccess' | 'getMediaAccessStatus'>;
  /** Opens the OS privacy pane for `openRecoverySettings()` (macOS, Windows). Without it that call fails. */
  shell?: Pick<Shell, 'openExternal'>;
  /**
   * The app's own microphone setting, for `openRecoverySettings()` when the app's decision is the
   * denial (e.g. show the app's preferences; call `setDecision` from there). Without it that call
   * fails: the broker never asks again after a denial (R6).
   */
  openAppSettings?: (requester: WebContents | undefined) => void | Promise<void>;
  /** The operating system, as `process.platform` names it (`'darwin'` turns on the macOS privacy checks). */
  os: string;
  /** The app's own origins, e.g. `['app://bundle']` or `['http://localhost:5173']`. Every other origin is refused. */
  allowedOrigins: readonly string[];
  /** Shown when a page calls getUserMedia before asking through the bridge. */
  usageDescription: string;
  /** Shown as the dialog's title and in its message. */
  appName?: string;
  store: DecisionStore;
  /** The window the dialog belongs to (e.g. `BrowserWindow.fromWebContents`); none: an app-wide dialog. */
  dialogParent?: (webContents: WebContents) => BaseWindow | null | undefined;
  /** Handlers for every permission other than the microphone. Default: refuse (Electron would approve). */
  otherPermissions?: { request?: PermissionRequestHandler; check?: PermissionCheckHandler };
  /** Told when the decision cannot be saved or a renderer cannot be told of a change. Default: console.error. */
  onError?: (error: unknown) => void;
}

export interface MicrophoneBroker {
  /** The permission the renderers get, synchronously (the app's decision combined with macOS's). */
  status(): PermissionState;
  /** Ask as the bridge does: the remembered answer, or one dialog shared by every concurrent caller. */
  request(usageDescription?: string, appName?: string, requester?: WebContents): Promise<PermissionState>;
  /** The app's own settings (Apple's Settings, `tccutil reset`): change or reset the decision and tell the renderers. */
  setDecision(decision: RecordPermission): Promise<void>;
  /** Re-read the OS's permission (call it when the app is activated) and tell the renderers if it changed. */
  recheck(): void;
  /**
   * Open where the user undoes a denial (what `status().recovery` describes): the OS privacy pane
   * with `shell.openExternal` (macOS, Windows; a change there arrives on `recheck()`), or the app's
   * own setting (`openAppSettings`; without it the call fails, R6). Not denied: opens
   * nothing. Resolves with the state after; one at a time (concurrent calls share it). The bridge's `openSettings()`.
   */
  openRecoverySettings(requester?: WebContents): Promise<PermissionState>;
  /** Main-process listeners for changes; returns the unsubscribe function. */
  onChange(listener: (state: PermissionState) => void): () => void;
  /** Resolves when every decision so far is saved. */
  flushed(): Promise<void>;
  /**
   * Removes the IPC handlers and every listener; later requests answer 'denied'. The permission
   * handlers stay, refusing the microphone: never Electron's approve-all. For the main process
   * (e.g. on `will-quit`); renderer adapters have their own `close()`.
   */
  close(): void;
}

/**
 * The main process's microphone authority: the app's decision (remembered in `store`, combined
 * with macOS's own), its dialog, Chromium's permission handlers and the bridge's IPC. Composes
 * decision-state, dialog, permission-handlers and ipc.
 */
export function createMicrophoneBroker(options: MicrophoneBrokerOptions): MicrophoneBroker {
  checkBrokerOptions(options);
  const { session, ipcMain, dialog, systemPreferences } = options;
  const isAllowedOrigin = originMatcher(options.allowedOrigins);
  const onError = options.onError ?? ((error: unknown) => console.error('micgate:', error));
  const isMac = options.os === 'darwin';
  const state = createDecisionState({
    store: options.store,
    systemPreferences,
    os: options.os,
    appName: options.appName,
    isAllowedOrigin,
    onError,
  });

  let closed = false;

  /** The answer comes from the dialog (and macOS's prompt) itself, not from re-reading the state afterwards. */
  async function runPrompt(
    usageDescription: string,
    appName: string | undefined,
    requester?: WebContents,
  ): Promise<PermissionState> {
    let answer = state.decision;
    if (answer === 'undetermined') {
      answer = await askWithDialog(dialog, {
        usageDescription,
        // The main process's own name wins: a page cannot retitle the app's dialog.
        appName: options.appName ?? appName,
        parent: requester && options.dialogParent ? options.dialogParent(requester) : undefined,
      });
      if (answer === 'undetermined') return { permission: 'undetermined' };
      await state.remember(answer);
    }
    if (answer === 'granted' && isMac && systemPreferences && state.systemAccess() !== 'granted') {
      // The system prompt (with Info.plist's NSMicrophoneUsageDescription); its answer lives in macOS.
      const allowed = await systemPreferences.askForMediaAccess('microphone');
      state.announceIfChanged();
      if (!allowed) return state.denied('system');
    }
    return answer === 'denied' ? state.denied('app') : { permission: answer };
  }
  // One dialog for every concurrent caller (bridge requests and getUserMedia alike).
  const openPrompt = singleFlight(runPrompt);

  function request(
    usageDescription = options.usageDescription,
    appName?: string,
    requester?: WebContents,
  ): Promise<PermissionState> {
    const now = state.current();
    if (now.permission !== 'undetermined' || closed) return Promise.resolve(now);
    return openPrompt(usageDescription, appName, requester);
  }

  const openRecoverySettings = singleFlight(async (requester?: WebContents): Promise<PermissionState> => {
    const now = state.current();
    if (closed || now.permission !== 'denied' || now.recovery === undefined) return now;
    const { url } = now.recovery;
    if (url !== undefined) {
      if (!options.shell) {
        throw new PromptUnavailableError('pass `shell` to the micgate broker to open the privacy settings');
      }
      await options.shell.openExternal(url);
    } else if (options.openAppSettings) {
      await options.openAppSettings(requester);
    } else {
      // R6: a denial is final for the app. A dialog the page could open to grant again would be a
      // prompt after "Don't Allow"; only the app's own settings, which the app shows, may change it.
      throw new PromptUnavailableError(
        "the app's own decision is the denial: pass `openAppSettings` to the broker to show the app's microphone setting (which calls `setDecision`)",
      );
    }
    return state.current();
  });

  const handlers = createPermissionHandlers({
    isAllowedOrigin,
    current: state.current,
    request: (requester) => request(options.usageDescription, undefined, requester),
    otherPermissions: options.otherPermissions,
    onError,
  });
  session.setPermissionRequestHandler(handlers.request);
  session.setPermissionCheckHandler(handlers.check);
  const removeBridge = handleBridge(ipcMain, isAllowedOrigin, {
    status: state.current,
    request,
    subscribe: state.addFrame,
    unsubscribe: state.removeFrame,
    openSettings: (requester) => openRecoverySettings(requester),
  });

  return {
    status: state.current,
    request(usageDescription, appName, requester) {
      if (usageDescription !== undefined) {
        const checked = checkBridgeRequest(
          appName === undefined ? { usageDescription } : { usageDescription, appName },
        );
        if (!checked.ok) {
          const value = checked.field === 'appName' ? appName : usageDescription;
          return Promise.reject(new InvalidArgumentError(checked.field, value, checked.expected));
        }
      }
      return request(usageDescription, appName, requester);
    },
    setDecision(next) {
      if (!isRecordPermission(next)) {
        return Promise.reject(new InvalidArgumentError('decision', next, "'undetermined', 'denied' or 'granted'"));
      }
      return state.remember(next);
    },
    recheck: state.announceIfChanged,
    openRecoverySettings: (requester) => openRecoverySettings(requester),
    onChange(listener) {
      if (typeof listener !== 'function') throw new InvalidArgumentError('listener', listener, 'a function');
      return state.onChange(listener);
    },
    flushed: state.flushed,
    close() {
      if (closed) return;
      closed = true;
      removeBridge();
      state.close();
    },
  };
}
