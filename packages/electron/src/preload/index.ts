import { ErrorCode } from '@micgate/core';
import type { ContextBridge, IpcRenderer, IpcRendererEvent } from 'electron';
import {
  type BridgeRequest,
  type BridgeResult,
  CHANNELS,
  ERROR_CODES,
  copyPermissionState,
  isPermissionState,
  type MicrophoneBridge,
  type PermissionState,
} from '../shared/protocol.js';

export type { BridgeRequest, BridgeResult, MicrophoneBridge, PermissionState } from '../shared/protocol.js';
export { CHANNELS } from '../shared/protocol.js';

/** The key the bridge is exposed under by default: `window.micgate`. */
export const DEFAULT_BRIDGE_KEY = 'micgate';

type RendererListener = Parameters<IpcRenderer['on']>[1];

/** The part of `ipcRenderer` the bridge uses (Electron's methods return the emitter; the bridge ignores it). */
export interface BridgeIpcRenderer {
  invoke: IpcRenderer['invoke'];
  on(channel: string, listener: RendererListener): unknown;
  removeListener(channel: string, listener: RendererListener): unknown;
}

/**
 * The bridge over `ipcRenderer`: status, request, change notifications and opening the settings
 * that undo a denial, on fixed channels, nothing else. The page never sees `ipcRenderer` or an IPC event.
 */
export function createMicrophoneBridge(ipcRenderer: BridgeIpcRenderer): MicrophoneBridge {
  const listeners = new Set<(state: PermissionState) => void>();
  const onChanged = (_event: IpcRendererEvent, state: unknown) => {
    if (!isPermissionState(state)) return;
    const copy = copyPermissionState(state);
    for (const listener of [...listeners]) {
      try {
        listener(copy);
      } catch (error) {
        console.error('micgate: a change listener threw', error);
      }
    }
  };

  async function invoke(channel: string, ...args: unknown[]): Promise<BridgeResult> {
    let result: unknown;
    try {
      result = await ipcRenderer.invoke(channel, ...args);
    } catch (error) {
      // Typically "No handler registered": the main process never installed the broker.
      const message = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        code: ErrorCode.PromptUnavailable,
        message: `the micgate broker did not answer (${message})`,
      };
    }
    return checkedResult(result);
  }

  return {
    status: () => invoke(CHANNELS.status),
    request: (request: BridgeRequest) => {
      // Only the two fields cross: nothing else the page passes reaches the main process.
      const { usageDescription, appName } = (request ?? {}) as Partial<BridgeRequest>;
      return invoke(CHANNELS.request, appName === undefined ? { usageDescription } : { usageDescription, appName });
    },
    openSettings: () => invoke(CHANNELS.openSettings),
    onChange(listener) {
      if (typeof listener !== 'function') throw new TypeError('onChange needs a listener function');
      const wrapped = (state: PermissionState) => listener(state);
      if (listeners.size === 0) {
        ipcRenderer.on(CHANNELS.changed, onChanged);
        void ipcRenderer.invoke(CHANNELS.subscribe).catch(() => undefined);
      }
      listeners.add(wrapped);
      return () => {
        if (!listeners.delete(wrapped) || listeners.size > 0) return;
        ipcRenderer.removeListener(CHANNELS.changed, onChanged);
        void ipcRenderer.invoke(CHANNELS.unsubscribe).catch(() => undefined);
      };
    },
  };
}

/**
 * Expose the bridge to the page from a preload script (context isolation on).
 *
 * ```ts
 * // preload.ts, bundled for the sandbox
 * import { contextBridge, ipcRenderer } from 'electron';
 * import { exposeMicrophoneBridge } from '@micgate/electron/preload';
 * exposeMicrophoneBridge({ contextBridge, ipcRenderer });
 * ```
 */
export function exposeMicrophoneBridge(electron: {
  contextBridge: Pick<ContextBridge, 'exposeInMainWorld'>;
  ipcRenderer: BridgeIpcRenderer;
  key?: string;
}): MicrophoneBridge {
  const bridge = createMicrophoneBridge(electron.ipcRenderer);
  electron.contextBridge.exposeInMainWorld(electron.key ?? DEFAULT_BRIDGE_KEY, bridge);
  return bridge;
}

function checkedResult(result: unknown): BridgeResult {
  if (result !== null && typeof result === 'object') {
    const candidate = result as Record<string, unknown>;
    if (candidate.ok === true && isPermissionState(candidate)) return { ok: true, ...copyPermissionState(candidate) };
    if (candidate.ok === false && typeof candidate.code === 'string' && typeof candidate.message === 'string') {
      const failure = { ok: false as const, code: candidate.code, message: candidate.message };
      return typeof candidate.field === 'string' ? { ...failure, field: candidate.field } : failure;
    }
  }
  return { ok: false, code: ERROR_CODES.bridge, message: 'the micgate broker sent an answer of the wrong shape' };
}
