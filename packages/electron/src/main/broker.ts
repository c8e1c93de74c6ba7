import { InvalidArgumentError, MissingUsageDescriptionError, type RecordPermission } from '@micgate/core';
import type {
  BaseWindow,
  Dialog,
  IpcMain,
  IpcMainInvokeEvent,
  MessageBoxOptions,
  Session,
  SystemPreferences,
  WebContents,
  WebFrameMain,
} from 'electron';
import { type BridgeResult, CHANNELS, ERROR_CODES, isRecordPermission, type PermissionState } from '../shared/protocol.js';
import type { DecisionStore } from './decision-store.js';
import { originMatcher } from './origin.js';

export type PermissionRequestHandler = NonNullable<Parameters<Session['setPermissionRequestHandler']>[0]>;
export type PermissionCheckHandler = NonNullable<Parameters<Session['setPermissionCheckHandler']>[0]>;
type IpcInvokeListener = Parameters<IpcMain['handle']>[1];

/** Where macOS keeps the switch the user must turn on again. */
export const MACOS_SETTINGS_REASON =
  'Microphone access for this app is turned off in macOS. Turn it on in System Settings > Privacy & Security > Microphone.';

/** The longest purpose string a renderer may ask the main process to show. */
export const MAX_USAGE_DESCRIPTION_LENGTH = 2000;
const MAX_APP_NAME_LENGTH = 200;

/** The buttons of the app's dialog, in order; Esc and closing the box mean "Not Now" (undetermined). */
export const DIALOG_BUTTONS = Object.freeze(['Allow', "Don't Allow", 'Not Now'] as const);

export interface MicrophoneBrokerOptions {
  /** The session whose renderers record (usually `session.defaultSession`). */
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  dialog: Pick<Dialog, 'showMessageBox'>;
  /** Required on macOS: the system's own microphone permission (TCC). */
  systemPreferences?: Pick<SystemPreferences, 'askForMediaAccess' | 'getMediaAccessStatus'>;
  /** `process.platform` of the main process. */
  platform: string;
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
  /** Re-read macOS's permission (call it when the app is activated) and tell the renderers if it changed. */
  recheck(): void;
  /** Main-process listeners for changes; returns the unsubscribe function. */
  onChange(listener: (state: PermissionState) => void): () => void;
  /** Resolves when every decision so far is saved. */
  flushed(): Promise<void>;
  /** Removes the IPC handlers. The permission handlers stay, refusing the microphone: never Electron's approve-all. */
  dispose(): void;
}

type BroadcastFrame = Pick<WebFrameMain, 'origin' | 'send' | 'isDestroyed' | 'detached'>;

interface ResolvedOptions {
  usageDescription: string;
  appName: string | undefined;
}

export function createMicrophoneBroker(options: MicrophoneBrokerOptions): MicrophoneBroker {
  const resolved = checkOptions(options);
  const { session, ipcMain, dialog, systemPreferences, store } = options;
  const isMac = options.platform === 'darwin';
  const isAllowedOrigin = originMatcher(options.allowedOrigins);
  const onError = options.onError ?? ((error: unknown) => console.error('micgate:', error));
  const otherRequest = options.otherPermissions?.request;
  const otherCheck = options.otherPermissions?.check;

  let disposed = false;
  let decision = store.load();
  let openPrompt: Promise<PermissionState> | undefined;
  let saving: Promise<void> = Promise.resolve();
  const frames = new Set<BroadcastFrame>();
  const listeners = new Set<(state: PermissionState) => void>();
  let lastBroadcast = key(currentState());

  function macStatus(): ReturnType<SystemPreferences['getMediaAccessStatus']> | undefined {
    if (!isMac || !systemPreferences) return undefined;
    try {
      return systemPreferences.getMediaAccessStatus('microphone');
    } catch (error) {
      onError(error);
      return 'unknown';
    }
  }

  /** Synchronous and from memory: the check handler calls it on every permission check. */
  function currentState(): PermissionState {
    if (disposed) return { permission: 'denied' };
    const system = macStatus();
    if (system === 'denied' || system === 'restricted') return { permission: 'denied', reason: MACOS_SETTINGS_REASON };
    // The user allowed it in the app's dialog but macOS has not been asked (or was reset): ask again.
    if (decision === 'granted' && system !== undefined && system !== 'granted') return { permission: 'undetermined' };
    return { permission: decision };
  }

  function announceIfChanged(): void {
    const state = currentState();
    const stateKey = key(state);
    if (stateKey === lastBroadcast) return;
    lastBroadcast = stateKey;
    for (const frame of [...frames]) {
      try {
        if (frame.isDestroyed() || frame.detached) {
          frames.delete(frame);
          continue;
        }
        // A frame that navigated away from the app keeps no line to the broker.
        if (isAllowedOrigin(frame.origin)) frame.send(CHANNELS.changed, state);
      } catch (error) {
        frames.delete(frame);
        onError(error);
      }
    }
    for (const listener of [...listeners]) {
      try {
        listener(state);
      } catch (error) {
        onError(error);
      }
    }
  }

  function remember(next: RecordPermission): Promise<void> {
    decision = next;
    announceIfChanged();
    const write = saving.then(() => store.save(next));
    saving = write.catch(() => undefined);
    return write.catch((error: unknown) => onError(error));
  }

  async function showDialog(usageDescription: string, appName: string | undefined, requester?: WebContents): Promise<RecordPermission> {
    // The main process's own name wins: a page cannot retitle the app's dialog.
    const name = resolved.appName ?? appName;
    const box: MessageBoxOptions = {
      type: 'question',
      title: name ?? 'Microphone',
      message: `${name ?? 'This app'} would like to use the microphone.`,
      detail: usageDescription,
      buttons: [...DIALOG_BUTTONS],
      defaultId: 2,
      cancelId: 2,
      noLink: true,
    };
    const parent = requester && options.dialogParent ? options.dialogParent(requester) : undefined;
    const { response } = parent ? await dialog.showMessageBox(parent, box) : await dialog.showMessageBox(box);
    if (response === 0) return 'granted';
    if (response === 1) return 'denied';
    return 'undetermined';
  }

  /** The answer comes from the dialog (and macOS's prompt) itself, not from re-reading the state afterwards. */
  async function runPrompt(usageDescription: string, appName: string | undefined, requester?: WebContents): Promise<PermissionState> {
    let answer = decision;
    if (answer === 'undetermined') {
      answer = await showDialog(usageDescription, appName, requester);
      if (answer === 'undetermined') return { permission: 'undetermined' };
      await remember(answer);
    }
    if (answer === 'granted' && isMac && systemPreferences && macStatus() !== 'granted') {
      // The system prompt (with Info.plist's NSMicrophoneUsageDescription); its answer lives in macOS.
      const allowed = await systemPreferences.askForMediaAccess('microphone');
      announceIfChanged();
      if (!allowed) return { permission: 'denied', reason: MACOS_SETTINGS_REASON };
    }
    return { permission: answer };
  }

  function request(usageDescription = resolved.usageDescription, appName?: string, requester?: WebContents): Promise<PermissionState> {
    const state = currentState();
    if (state.permission !== 'undetermined' || disposed) return Promise.resolve(state);
    openPrompt ??= runPrompt(usageDescription, appName, requester).finally(() => {
      openPrompt = undefined;
    });
    return openPrompt;
  }

  const requestHandler: PermissionRequestHandler = (webContents, permission, callback, details) => {
    if (permission !== 'media') {
      if (otherRequest) otherRequest(webContents, permission, callback, details);
      else callback(false);
      return;
    }
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    const origin = 'securityOrigin' in details && details.securityOrigin ? details.securityOrigin : details.requestingUrl;
    if (mediaTypes.includes('video') || !mediaTypes.includes('audio') || !isAllowedOrigin(origin)) {
      callback(false);
      return;
    }
    request(resolved.usageDescription, undefined, webContents).then(
      (state) => callback(state.permission === 'granted'),
      (error: unknown) => {
        onError(error);
        callback(false);
      },
    );
  };

  const checkHandler: PermissionCheckHandler = (webContents, permission, requestingOrigin, details) => {
    if (permission !== 'media') return otherCheck ? otherCheck(webContents, permission, requestingOrigin, details) : false;
    if (details.mediaType !== 'audio') return false;
    if (!isAllowedOrigin(details.securityOrigin || requestingOrigin)) return false;
    return currentState().permission === 'granted';
  };

  /** Every IPC message is answered only for a frame whose origin is the app's own. */
  function guarded(listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => BridgeResult | Promise<BridgeResult>): IpcInvokeListener {
    return (event: IpcMainInvokeEvent, ...args: unknown[]) => {
      const origin = event.senderFrame?.origin;
      if (!isAllowedOrigin(origin)) {
        return failure(ERROR_CODES.forbiddenOrigin, `the origin ${JSON.stringify(origin ?? null)} may not use the microphone bridge`);
      }
      return listener(event, ...args);
    };
  }

  session.setPermissionRequestHandler(requestHandler);
  session.setPermissionCheckHandler(checkHandler);
  ipcMain.handle(
    CHANNELS.status,
    guarded(() => ({ ok: true, ...currentState() })),
  );
  ipcMain.handle(
    CHANNELS.request,
    guarded(async (event, payload) => {
      const checked = checkBridgeRequest(payload);
      if (!checked.ok) return checked;
      try {
        return { ok: true, ...(await request(checked.usageDescription, checked.appName, event.sender)) };
      } catch (error) {
        return failure(ERROR_CODES.promptUnavailable, `the microphone dialog could not be shown: ${messageOf(error)}`);
      }
    }),
  );
  ipcMain.handle(
    CHANNELS.subscribe,
    guarded((event) => {
      if (event.senderFrame) frames.add(event.senderFrame);
      return { ok: true, ...currentState() };
    }),
  );
  ipcMain.handle(
    CHANNELS.unsubscribe,
    guarded((event) => {
      if (event.senderFrame) frames.delete(event.senderFrame);
      return { ok: true, ...currentState() };
    }),
  );

  return {
    status: currentState,
    request(usageDescription, appName, requester) {
      if (usageDescription !== undefined) {
        const checked = checkBridgeRequest(appName === undefined ? { usageDescription } : { usageDescription, appName });
        if (!checked.ok) return Promise.reject(new InvalidArgumentError('usageDescription', usageDescription, checked.message));
      }
      return request(usageDescription, appName, requester);
    },
    setDecision(next) {
      if (!isRecordPermission(next)) {
        return Promise.reject(new InvalidArgumentError('decision', next, "'undetermined', 'denied' or 'granted'"));
      }
      return remember(next);
    },
    recheck: announceIfChanged,
    onChange(listener) {
      if (typeof listener !== 'function') throw new InvalidArgumentError('listener', listener, 'a function');
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    flushed: () => saving,
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const channel of Object.values(CHANNELS)) if (channel !== CHANNELS.changed) ipcMain.removeHandler(channel);
      frames.clear();
      listeners.clear();
    },
  };
}

function checkOptions(options: MicrophoneBrokerOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', options, 'an object');
  const needs = (field: keyof MicrophoneBrokerOptions, methods: string[]) => {
    const value = options[field] as Record<string, unknown> | undefined;
    if (value === null || typeof value !== 'object' || methods.some((method) => typeof value[method] !== 'function')) {
      throw new InvalidArgumentError(field, value, `an object with ${methods.join(', ')}`);
    }
  };
  needs('session', ['setPermissionRequestHandler', 'setPermissionCheckHandler']);
  needs('ipcMain', ['handle', 'removeHandler']);
  needs('dialog', ['showMessageBox']);
  needs('store', ['load', 'save']);
  if (typeof options.platform !== 'string' || options.platform === '') {
    throw new InvalidArgumentError('platform', options.platform, 'a platform name such as process.platform');
  }
  if (options.platform === 'darwin') needs('systemPreferences', ['askForMediaAccess', 'getMediaAccessStatus']);
  if (typeof options.usageDescription !== 'string') {
    throw new InvalidArgumentError('usageDescription', options.usageDescription, 'a string');
  }
  if (options.usageDescription.trim() === '') throw new MissingUsageDescriptionError();
  if (options.appName !== undefined && typeof options.appName !== 'string') {
    throw new InvalidArgumentError('appName', options.appName, 'a string');
  }
  if (options.dialogParent !== undefined && typeof options.dialogParent !== 'function') {
    throw new InvalidArgumentError('dialogParent', options.dialogParent, 'a function');
  }
  return { usageDescription: options.usageDescription, appName: options.appName };
}

type CheckedRequest = { ok: true; usageDescription: string; appName?: string } | { ok: false; code: string; message: string };

/** A renderer's request is data from another process: check its shape before showing any of it. */
function checkBridgeRequest(payload: unknown): CheckedRequest {
  if (payload === null || typeof payload !== 'object') {
    return { ok: false, code: ERROR_CODES.invalidArgument, message: 'request must be an object with usageDescription' };
  }
  const { usageDescription, appName } = payload as Record<string, unknown>;
  if (typeof usageDescription !== 'string') {
    return { ok: false, code: ERROR_CODES.invalidArgument, message: 'usageDescription must be a string' };
  }
  if (usageDescription.trim() === '') {
    return { ok: false, code: ERROR_CODES.missingUsageDescription, message: new MissingUsageDescriptionError().message };
  }
  if (usageDescription.length > MAX_USAGE_DESCRIPTION_LENGTH) {
    return {
      ok: false,
      code: ERROR_CODES.invalidArgument,
      message: `usageDescription must be at most ${MAX_USAGE_DESCRIPTION_LENGTH} characters`,
    };
  }
  if (appName !== undefined && (typeof appName !== 'string' || appName.length > MAX_APP_NAME_LENGTH)) {
    return { ok: false, code: ERROR_CODES.invalidArgument, message: `appName must be a string of at most ${MAX_APP_NAME_LENGTH} characters` };
  }
  return appName === undefined ? { ok: true, usageDescription } : { ok: true, usageDescription, appName };
}

function failure(code: string, message: string): BridgeResult {
  return { ok: false, code, message };
}

function key(state: PermissionState): string {
  return `${state.permission}|${state.reason ?? ''}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
