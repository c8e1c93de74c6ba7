import { ErrorCode, MicgateError } from '@micgate/core';
import type { IpcMain, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import { type BridgeResult, CHANNELS, ERROR_CODES, type PermissionState } from '../shared/protocol.js';
import { checkBridgeRequest } from './validation.js';

type IpcInvokeListener = Parameters<IpcMain['handle']>[1];

export interface BridgeEndpoints {
  status(): PermissionState;
  request(usageDescription: string, appName: string | undefined, requester: WebContents): Promise<PermissionState>;
  /** A frame that wants change notifications (`CHANNELS.changed`). */
  subscribe(frame: WebFrameMain): void;
  unsubscribe(frame: WebFrameMain): void;
  /** Open where the user undoes a denial; the main process decides what (the page passes nothing). */
  openSettings(requester: WebContents): Promise<PermissionState>;
}

/**
 * The main-process end of the preload bridge: one handler per channel, each answering only a
 * frame whose origin is the app's own, every payload checked, every failure returned as data
 * (thrown errors lose their class and fields on the way). Returns the function that removes them.
 */
export function handleBridge(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  isAllowedOrigin: (origin: string | null | undefined) => boolean,
  endpoints: BridgeEndpoints,
): () => void {
  function guarded(
    listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => BridgeResult | Promise<BridgeResult>,
  ): IpcInvokeListener {
    return (event: IpcMainInvokeEvent, ...args: unknown[]) => {
      const origin = event.senderFrame?.origin;
      if (!isAllowedOrigin(origin)) {
        return failure(
          ERROR_CODES.forbiddenOrigin,
          `the origin ${JSON.stringify(origin ?? null)} may not use the microphone bridge`,
        );
      }
      return listener(event, ...args);
    };
  }

  ipcMain.handle(
    CHANNELS.status,
    guarded(() => ({ ok: true, ...endpoints.status() })),
  );
  ipcMain.handle(
    CHANNELS.request,
    guarded(async (event, payload) => {
      const checked = checkBridgeRequest(payload);
      if (!checked.ok) return { ok: false, code: checked.code, message: checked.message, field: checked.field };
      try {
        return { ok: true, ...(await endpoints.request(checked.usageDescription, checked.appName, event.sender)) };
      } catch (error) {
        return failure(ErrorCode.PromptUnavailable, `the microphone dialog could not be shown: ${messageOf(error)}`);
      }
    }),
  );
  ipcMain.handle(
    CHANNELS.subscribe,
    guarded((event) => {
      if (event.senderFrame) endpoints.subscribe(event.senderFrame);
      return { ok: true, ...endpoints.status() };
    }),
  );
  ipcMain.handle(
    CHANNELS.unsubscribe,
    guarded((event) => {
      if (event.senderFrame) endpoints.unsubscribe(event.senderFrame);
      return { ok: true, ...endpoints.status() };
    }),
  );

  ipcMain.handle(
    CHANNELS.openSettings,
    guarded(async (event) => {
      try {
        return { ok: true, ...(await endpoints.openSettings(event.sender)) };
      } catch (error) {
        const code = error instanceof MicgateError ? error.code : ErrorCode.PromptUnavailable;
        return failure(code, `the microphone settings could not be opened: ${messageOf(error)}`);
      }
    }),
  );

  return () => {
    for (const channel of Object.values(CHANNELS)) if (channel !== CHANNELS.changed) ipcMain.removeHandler(channel);
  };
}

function failure(code: string, message: string): BridgeResult {
  return { ok: false, code, message };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
