/**
 * In-memory stand-ins for the Electron APIs the broker and the bridge use. Each one `implements`
 * a `Pick` of Electron's own declaration and its handler types are derived from those
 * declarations, so a change in Electron's API fails to compile here. Only `import type` from
 * 'electron': loading it as a value under Node tries to download the binary.
 */
import type {
  BaseWindow,
  ContextBridge,
  Dialog,
  IpcMain,
  IpcMainInvokeEvent,
  IpcRenderer,
  IpcRendererEvent,
  MessageBoxOptions,
  MessageBoxReturnValue,
  Session,
  SystemPreferences,
  WebContents,
  WebFrameMain,
} from 'electron';
import type { BridgeIpcRenderer } from '../src/preload/index.js';

export type RequestHandler = NonNullable<Parameters<Session['setPermissionRequestHandler']>[0]>;
export type CheckHandler = NonNullable<Parameters<Session['setPermissionCheckHandler']>[0]>;
export type RequestPermission = Parameters<RequestHandler>[1];
export type RequestDetails = Parameters<RequestHandler>[3];
export type CheckPermission = Parameters<CheckHandler>[1];
export type CheckDetails = Parameters<CheckHandler>[3];
type InvokeListener = Parameters<IpcMain['handle']>[1];
type RendererListener = Parameters<IpcRenderer['on']>[1];
type MediaAccessStatus = ReturnType<SystemPreferences['getMediaAccessStatus']>;

/**
 * A WebContents is a large native class; the broker only passes it through (to `dialogParent`).
 * This is the one place a fake is cast to a type it does not fully implement.
 */
export function fakeWebContents(id = 1): WebContents {
  return { id, isDestroyed: () => false } as unknown as WebContents;
}

export class FakeSession implements Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> {
  requestHandler: RequestHandler | null = null;
  checkHandler: CheckHandler | null = null;

  setPermissionRequestHandler(handler: RequestHandler | null): void {
    this.requestHandler = handler;
  }

  setPermissionCheckHandler(handler: CheckHandler | null): void {
    this.checkHandler = handler;
  }

  /** What Electron does for getUserMedia & co.: ask the request handler; with none installed it approves. */
  request(permission: RequestPermission, details: RequestDetails, webContents = fakeWebContents()): Promise<boolean> {
    const handler = this.requestHandler;
    if (!handler) return Promise.resolve(true);
    return new Promise((resolve) => handler(webContents, permission, resolve, details));
  }

  /** What Electron does for a permission check: the handler's raw return value (it must be a boolean). */
  check(
    permission: CheckPermission,
    requestingOrigin: string,
    details: CheckDetails,
    webContents: WebContents | null = null,
  ): unknown {
    if (!this.checkHandler) return true;
    return this.checkHandler(webContents, permission, requestingOrigin, details);
  }

  /** A getUserMedia request for the microphone (and the camera with `video`). */
  requestMedia(url: string, mediaTypes: Array<'audio' | 'video'> = ['audio']): Promise<boolean> {
    return this.request('media', { requestingUrl: url, isMainFrame: true, mediaTypes, securityOrigin: url });
  }

  checkMedia(origin: string, mediaType: 'audio' | 'video' | 'unknown' = 'audio'): unknown {
    return this.check('media', origin, { isMainFrame: true, mediaType, securityOrigin: origin, requestingUrl: origin });
  }
}

export type DialogButton = 'Allow' | "Don't Allow" | 'Not Now';

export interface ShownDialog {
  options: MessageBoxOptions;
  parent: BaseWindow | undefined;
  openedAt: number;
}

/** The app's dialog, answered by the test: answers queue for successive dialogs; none queued keeps it open. */
export class FakeDialog implements Pick<Dialog, 'showMessageBox'> {
  readonly shown: ShownDialog[] = [];
  private readonly answers: Array<{ button: DialogButton; delayMs: number }> = [];
  private readonly open: Array<{ shown: ShownDialog; resolve: (value: MessageBoxReturnValue) => void }> = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  /** When set, showMessageBox rejects with it (no display, say). */
  failWith: Error | undefined;

  showMessageBox(
    windowOrOptions: BaseWindow | MessageBoxOptions,
    maybeOptions?: MessageBoxOptions,
  ): Promise<MessageBoxReturnValue> {
    const options = maybeOptions ?? (windowOrOptions as MessageBoxOptions);
    const parent = maybeOptions ? (windowOrOptions as BaseWindow) : undefined;
    if (this.failWith) return Promise.reject(this.failWith);
    const shown: ShownDialog = { options, parent, openedAt: Date.now() };
    this.shown.push(shown);
    return new Promise((resolve) => {
      this.open.push({ shown, resolve });
      this.pump();
    });
  }

  /** Answer the next dialog (open now or still to come), `delayMs` after it opened. */
  answerNext(button: DialogButton, delayMs = 0): void {
    this.answers.push({ button, delayMs });
    this.pump();
  }

  get openCount(): number {
    return this.open.length;
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private pump(): void {
    while (this.open.length > 0 && this.answers.length > 0) {
      const box = this.open.shift()!;
      const answer = this.answers.shift()!;
      const buttons = box.shown.options.buttons ?? [];
      const response = buttons.indexOf(answer.button);
      if (response < 0) throw new Error(`the dialog has no ${answer.button} button: ${buttons.join(', ')}`);
      const wait = Math.max(0, box.shown.openedAt + answer.delayMs - Date.now());
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        box.resolve({ response, checkboxChecked: false });
      }, wait);
      this.timers.add(timer);
    }
  }
}

/** macOS's microphone permission (TCC), as the test sets it. */
export class FakeSystemPreferences implements Pick<SystemPreferences, 'askForMediaAccess' | 'getMediaAccessStatus'> {
  microphone: MediaAccessStatus = 'not-determined';
  /** What the user answers in macOS's own prompt. */
  nextSystemAnswer = true;
  asked = 0;

  async askForMediaAccess(mediaType: 'microphone' | 'camera'): Promise<boolean> {
    if (mediaType !== 'microphone') throw new Error(`unexpected askForMediaAccess(${mediaType})`);
    this.asked += 1;
    if (this.microphone === 'not-determined') this.microphone = this.nextSystemAnswer ? 'granted' : 'denied';
    return this.microphone === 'granted';
  }

  getMediaAccessStatus(mediaType: 'microphone' | 'camera' | 'screen'): MediaAccessStatus {
    return mediaType === 'microphone' ? this.microphone : 'not-determined';
  }
}

/** A frame of a renderer: the main side sees its origin and sends to it; its preload holds a FakeIpcRenderer. */
export class FakeFrame implements Pick<WebFrameMain, 'origin' | 'send' | 'isDestroyed' | 'detached'> {
  origin: string;
  detached = false;
  destroyed = false;
  readonly webContents = fakeWebContents();
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  renderer: FakeIpcRenderer | undefined;

  constructor(origin: string) {
    this.origin = origin;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Render frame was disposed before WebFrameMain could be accessed');
    const copies = args.map((arg) => structuredClone(arg));
    this.sent.push({ channel, args: copies });
    const renderer = this.renderer;
    if (renderer) setTimeout(() => renderer.deliver(channel, copies), 0);
  }
}

/** ipcMain: one handler per channel, as Electron enforces. */
export class FakeIpcMain implements Pick<IpcMain, 'handle' | 'removeHandler'> {
  readonly handlers = new Map<string, InvokeListener>();

  handle(channel: string, listener: InvokeListener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** A message from `frame`: arguments and result are structured-cloned, as across processes. */
  async invokeFrom(frame: FakeFrame, channel: string, ...args: unknown[]): Promise<unknown> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    const listener = this.handlers.get(channel);
    if (!listener)
      throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    const event: IpcMainInvokeEvent = {
      preventDefault: () => undefined,
      defaultPrevented: false,
      frameId: 1,
      processId: 1,
      sender: frame.webContents,
      // The broker reads the frame's origin and sends to it: FakeFrame implements that part of WebFrameMain.
      senderFrame: frame.destroyed ? null : (frame as unknown as WebFrameMain),
      type: 'frame',
    };
    const result: unknown = await listener(event, ...args.map((arg) => structuredClone(arg)));
    return structuredClone(result);
  }
}

// Electron's real ipcRenderer must fit what the bridge takes: this fails to compile if Electron drifts.
void ((real: IpcRenderer): BridgeIpcRenderer => real);

/** The preload's ipcRenderer for one frame. */
export class FakeIpcRenderer implements BridgeIpcRenderer {
  private readonly listeners = new Map<string, Set<RendererListener>>();

  constructor(
    private readonly ipcMain: FakeIpcMain,
    private readonly frame: FakeFrame,
  ) {
    frame.renderer = this;
  }

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    return this.ipcMain.invokeFrom(this.frame, channel, ...args);
  }

  on(channel: string, listener: RendererListener): this {
    const set = this.listeners.get(channel) ?? new Set<RendererListener>();
    this.listeners.set(channel, set);
    set.add(listener);
    return this;
  }

  removeListener(channel: string, listener: RendererListener): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }

  listenerCount(channel: string): number {
    return this.listeners.get(channel)?.size ?? 0;
  }

  deliver(channel: string, args: unknown[]): void {
    const event = {
      preventDefault: () => undefined,
      defaultPrevented: false,
      ports: [],
      sender: this as unknown as IpcRenderer,
    };
    const typed: IpcRendererEvent = event;
    for (const listener of [...(this.listeners.get(channel) ?? [])]) listener(typed, ...args);
  }
}

/** contextBridge: records what the preload exposes to the page. */
export class FakeContextBridge implements Pick<ContextBridge, 'exposeInMainWorld'> {
  readonly world: Record<string, unknown> = {};

  exposeInMainWorld(apiKey: string, api: unknown): void {
    if (apiKey in this.world)
      throw new Error(`Cannot bind an API on top of an existing property on the window object: ${apiKey}`);
    this.world[apiKey] = api;
  }
}
