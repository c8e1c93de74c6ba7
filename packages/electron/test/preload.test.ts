import { describe, expect, it } from 'vitest';
import { createMicrophoneBroker, memoryDecisionStore } from '../src/main/index.js';
import {
  CHANNELS,
  createMicrophoneBridge,
  DEFAULT_BRIDGE_KEY,
  exposeMicrophoneBridge,
  type PermissionState,
} from '../src/preload/index.js';
import {
  FakeContextBridge,
  FakeDialog,
  FakeFrame,
  FakeIpcMain,
  FakeIpcRenderer,
  FakeSession,
} from './electron-fakes.js';

const APP = 'app://bundle';

function wired(origin = APP) {
  const ipcMain = new FakeIpcMain();
  const dialog = new FakeDialog();
  const broker = createMicrophoneBroker({
    session: new FakeSession(),
    ipcMain,
    dialog,
    os: 'linux',
    allowedOrigins: [APP],
    usageDescription: 'Records voice notes.',
    store: memoryDecisionStore(),
  });
  const frame = new FakeFrame(origin);
  const ipcRenderer = new FakeIpcRenderer(ipcMain, frame);
  return { ipcMain, dialog, broker, frame, ipcRenderer };
}

function nextChange(bridge: ReturnType<typeof createMicrophoneBridge>): Promise<PermissionState> {
  return new Promise((resolve) => {
    const off = bridge.onChange((state) => {
      off();
      resolve(state);
    });
  });
}

describe('the preload bridge', () => {
  it('exposes only status, request, onChange and openSettings, under window.micgate', () => {
    const contextBridge = new FakeContextBridge();
    const { ipcRenderer } = wired();
    exposeMicrophoneBridge({ contextBridge, ipcRenderer });
    expect(Object.keys(contextBridge.world)).toEqual([DEFAULT_BRIDGE_KEY]);
    const api = contextBridge.world[DEFAULT_BRIDGE_KEY] as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['onChange', 'openSettings', 'request', 'status']);
  });

  it('asks the broker and hears its changes; sends only the two request fields', async () => {
    const { dialog, broker, ipcRenderer } = wired();
    const bridge = createMicrophoneBridge(ipcRenderer);
    expect(await bridge.status()).toEqual({ ok: true, permission: 'undetermined' });
    const changed = nextChange(bridge);
    dialog.answerNext('Allow');
    const extra = { usageDescription: 'Transcribes meetings.', appName: 'Scribe', buttons: ['Yes'], detail: 'sneaky' };
    expect(await bridge.request(extra)).toEqual({ ok: true, permission: 'granted' });
    expect(await changed).toEqual({ permission: 'granted' });
    expect(dialog.shown[0]!.options.detail).toBe('Transcribes meetings.');
    expect(dialog.shown[0]!.options.buttons).toEqual(['Allow', "Don't Allow", 'Not Now']);
    const denied = nextChange(bridge);
    await broker.setDecision('denied');
    expect(await denied).toEqual({
      permission: 'denied',
      recovery: expect.objectContaining({ target: 'app-settings' }),
    });
  });

  it('subscribes once for many listeners and leaves IPC when the last one goes', async () => {
    const { ipcRenderer, broker, frame } = wired();
    const bridge = createMicrophoneBridge(ipcRenderer);
    const offA = bridge.onChange(() => undefined);
    const offB = bridge.onChange(() => undefined);
    expect(ipcRenderer.listenerCount(CHANNELS.changed)).toBe(1);
    await bridge.status(); // the subscription has reached the main process
    await broker.setDecision('granted');
    expect(frame.sent).toHaveLength(1);
    offA();
    expect(ipcRenderer.listenerCount(CHANNELS.changed)).toBe(1);
    offB();
    offB();
    expect(ipcRenderer.listenerCount(CHANNELS.changed)).toBe(0);
    await bridge.status();
    await broker.setDecision('denied');
    expect(frame.sent).toHaveLength(1);
  });

  it('ignores malformed change messages and a listener that throws does not stop the others', async () => {
    const { ipcRenderer } = wired();
    const bridge = createMicrophoneBridge(ipcRenderer);
    const seen: PermissionState[] = [];
    const quiet = console.error;
    console.error = () => undefined;
    try {
      bridge.onChange(() => {
        throw new Error('app bug');
      });
      bridge.onChange((state) => seen.push(state));
      ipcRenderer.deliver(CHANNELS.changed, [{ permission: 'maybe' }]);
      ipcRenderer.deliver(CHANNELS.changed, ['granted']);
      ipcRenderer.deliver(CHANNELS.changed, [{ permission: 'granted' }]);
    } finally {
      console.error = quiet;
    }
    expect(seen).toEqual([{ permission: 'granted' }]);
  });

  it('a foreign page gets errors, and a missing broker is PROMPT_UNAVAILABLE, never a hang', async () => {
    const foreign = createMicrophoneBridge(wired('https://evil.example').ipcRenderer);
    expect(await foreign.status()).toMatchObject({ ok: false, code: 'ERR_MICGATE_FORBIDDEN_ORIGIN' });
    const orphan = createMicrophoneBridge(new FakeIpcRenderer(new FakeIpcMain(), new FakeFrame(APP)));
    expect(await orphan.request({ usageDescription: 'x' })).toMatchObject({
      ok: false,
      code: 'ERR_MICGATE_PROMPT_UNAVAILABLE',
    });
  });
});
