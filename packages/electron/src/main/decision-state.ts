import type { RecordPermission } from '@micgate/core';
import type { SystemPreferences, WebFrameMain } from 'electron';
import { CHANNELS, type PermissionState } from '../shared/protocol.js';
import type { DecisionStore } from './decision-store.js';
import { type DenialSource, electronRecovery } from './recovery.js';

/** Where macOS keeps the switch the user must turn on again. */
export const MACOS_SETTINGS_REASON =
  'Microphone access for this app is turned off in macOS. Turn it on in System Settings > Privacy & Security > Microphone.';

/** Where Windows keeps the switches the user must turn on again. */
export const WINDOWS_SETTINGS_REASON =
  'Microphone access for desktop apps is turned off in Windows. Turn it on in Settings > Privacy & security > Microphone.';

type MacAccess = ReturnType<SystemPreferences['getMediaAccessStatus']>;
type BroadcastFrame = Pick<WebFrameMain, 'origin' | 'send' | 'isDestroyed' | 'detached'>;

export interface DecisionStateOptions {
  store: DecisionStore;
  /** Consulted on macOS (the app's TCC permission) and Windows (the global switch for desktop apps). */
  systemPreferences: Pick<SystemPreferences, 'getMediaAccessStatus'> | undefined;
  os: string;
  /** Named in the recovery's steps. */
  appName?: string | undefined;
  isAllowedOrigin(origin: string | null | undefined): boolean;
  onError(error: unknown): void;
}

export interface DecisionState {
  /** The app's own decision (the dialog's answer), as remembered. */
  readonly decision: RecordPermission;
  /** What renderers get, synchronously and from memory: the app's decision combined with macOS's. */
  current(): PermissionState;
  /** The OS's own permission (macOS, Windows); undefined elsewhere. */
  systemAccess(): MacAccess | undefined;
  /** The denied state, with its reason and its way back, for a denial by the OS or by the app's decision. */
  denied(source: DenialSource): PermissionState;
  /** Take a new decision: tell everyone at once, then save it (writes in order). Save failures go to onError. */
  remember(decision: RecordPermission): Promise<void>;
  /** Tell frames and listeners the state, if it changed since last told. */
  announceIfChanged(): void;
  addFrame(frame: BroadcastFrame): void;
  removeFrame(frame: BroadcastFrame): void;
  onChange(listener: (state: PermissionState) => void): () => void;
  /** Resolves when every decision so far is saved. */
  flushed(): Promise<void>;
  /** From now on the state is 'denied' and nobody is told anything. */
  close(): void;
}

/** The broker's decision, its persistence and its broadcast to the app's frames and listeners. */
export function createDecisionState(options: DecisionStateOptions): DecisionState {
  const { store, systemPreferences, isAllowedOrigin, onError } = options;
  const isMac = options.os === 'darwin';
  const consultsSystem = isMac || options.os === 'win32';
  let closed = false;
  let decision = store.load();
  let saving: Promise<void> = Promise.resolve();
  const frames = new Set<BroadcastFrame>();
  const listeners = new Set<(state: PermissionState) => void>();

  function systemAccess(): MacAccess | undefined {
    if (!consultsSystem || !systemPreferences) return undefined;
    try {
      return systemPreferences.getMediaAccessStatus('microphone');
    } catch (error) {
      onError(error);
      return 'unknown';
    }
  }

  function denied(source: DenialSource): PermissionState {
    const recovery = electronRecovery(source, options.os, options.appName);
    if (source === 'app') return { permission: 'denied', recovery };
    return { permission: 'denied', reason: isMac ? MACOS_SETTINGS_REASON : WINDOWS_SETTINGS_REASON, recovery };
  }

  function current(): PermissionState {
    if (closed) return { permission: 'denied' };
    const system = systemAccess();
    if (system === 'denied' || system === 'restricted') return denied('system');
    // The user allowed it in the app's dialog but macOS has not been asked (or was reset): ask again.
    if (isMac && decision === 'granted' && system !== undefined && system !== 'granted') {
      return { permission: 'undetermined' };
    }
    return decision === 'denied' ? denied('app') : { permission: decision };
  }

  let lastBroadcast = key(current());

  function announceIfChanged(): void {
    if (closed) return;
    const state = current();
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

  return {
    get decision() {
      return decision;
    },
    current,
    systemAccess,
    denied,
    remember,
    announceIfChanged,
    addFrame: (frame) => void frames.add(frame),
    removeFrame: (frame) => void frames.delete(frame),
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    flushed: () => saving,
    close() {
      closed = true;
      frames.clear();
      listeners.clear();
    },
  };
}

function key(state: PermissionState): string {
  return `${state.permission}|${state.reason ?? ''}`;
}
