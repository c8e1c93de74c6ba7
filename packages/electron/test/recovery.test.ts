import { createAudioSession, ErrorCode, isDeniedRecovery } from '@micgate/core';
import type { Shell, WebContents } from 'electron';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMicrophoneBroker,
  MACOS_SETTINGS_REASON,
  type MicrophoneBrokerOptions,
  memoryDecisionStore,
  WINDOWS_SETTINGS_REASON,
} from '../src/main/index.js';
import { createMicrophoneBridge } from '../src/preload/index.js';
import { createElectronAdapter } from '../src/renderer/index.js';
import {
  FakeDialog,
  FakeFrame,
  FakeIpcMain,
  FakeIpcRenderer,
  FakeSession,
  FakeSystemPreferences,
} from './electron-fakes.js';

const APP = 'app://bundle';
const MAC_PANE = 'x-apple.systempreferences:com.apple.preference.security?Privacy_Microphone';
const WINDOWS_PANE = 'ms-settings:privacy-microphone';

/** shell.openExternal, recording what it was asked to open. */
class FakeShell implements Pick<Shell, 'openExternal'> {
  readonly opened: string[] = [];
  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  }
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A broker for `os`, with a renderer frame of the app wired to it through the real preload bridge. */
function rig(
  os: string,
  initial: 'undetermined' | 'denied' | 'granted' = 'undetermined',
  { shell: shellOverride, ...overrides }: Partial<Omit<MicrophoneBrokerOptions, 'shell'>> & { shell?: null } = {},
) {
  const ipcMain = new FakeIpcMain();
  const dialog = new FakeDialog();
  const systemPreferences = new FakeSystemPreferences();
  const shell = new FakeShell();
  const errors: unknown[] = [];
  const broker = createMicrophoneBroker({
    session: new FakeSession(),
    ipcMain,
    dialog,
    systemPreferences,
    ...(shellOverride === null ? {} : { shell }),
    os,
    allowedOrigins: [APP],
    usageDescription: 'Records voice notes.',
    appName: 'Voice Notes',
    store: memoryDecisionStore(initial),
    onError: (error) => errors.push(error),
    ...overrides,
  });
  const frame = new FakeFrame(APP);
  const bridge = createMicrophoneBridge(new FakeIpcRenderer(ipcMain, frame));
  cleanups.push(() => {
    broker.close();
    dialog.dispose();
  });
  return { broker, bridge, dialog, systemPreferences, shell, frame, ipcMain, errors };
}

describe('the Electron way back from denied', () => {
  it('macOS denied the app: the Privacy > Microphone pane, opened from the renderer; the change arrives on recheck', async () => {
    const { bridge, broker, shell, systemPreferences, dialog } = rig('darwin', 'granted');
    systemPreferences.microphone = 'denied';
    const adapter = createElectronAdapter({ bridge });
    const session = createAudioSession({ adapter, usageDescription: 'Records voice notes.' });
    expect(await session.requestRecordPermission()).toBe(false);
    const recovery = session.recovery;
    expect(isDeniedRecovery(recovery)).toBe(true);
    expect(recovery).toMatchObject({ target: 'os-privacy', platform: 'macos', url: MAC_PANE });
    expect(recovery!.summary).toBe('Turn on Voice Notes in System Settings > Privacy & Security > Microphone.');
    expect(adapter.reason).toBe(MACOS_SETTINGS_REASON);

    await adapter.openRecoverySettings();
    expect(shell.opened).toEqual([MAC_PANE]);
    expect(dialog.shown).toHaveLength(0);

    systemPreferences.microphone = 'granted'; // the user turned the app on in System Settings
    broker.recheck(); // the app calls it when it is activated again
    await expect.poll(() => session.recordPermission).toBe('granted');
    expect(session.recovery).toBeUndefined();
    session.close();
    adapter.close();
  });

  it('Windows turned desktop apps off: ms-settings:privacy-microphone, and undetermined stays askable', async () => {
    const off = rig('win32', 'granted');
    off.systemPreferences.microphone = 'denied';
    const state = await off.bridge.status();
    expect(state).toMatchObject({
      ok: true,
      permission: 'denied',
      reason: WINDOWS_SETTINGS_REASON,
      recovery: { target: 'os-privacy', platform: 'windows', url: WINDOWS_PANE },
    });
    expect(await off.bridge.openSettings!()).toMatchObject({ ok: true, permission: 'denied' });
    expect(off.shell.opened).toEqual([WINDOWS_PANE]);

    // Windows has no per-app prompt to ask: a switch that is on leaves the app's own decision in charge.
    const on = rig('win32');
    on.systemPreferences.microphone = 'granted';
    expect(await on.bridge.status()).toEqual({ ok: true, permission: 'undetermined' });
  });

  it.each(['linux', 'darwin', 'win32'])(
    "the app denied it (%s): its own setting, which only the app's openAppSettings opens; setDecision there re-enables every renderer",
    async (os) => {
      const opened: Array<WebContents | undefined> = [];
      const { bridge, shell, dialog, frame, broker } = rig(os, 'denied', {
        openAppSettings: async (requester) => {
          opened.push(requester);
          await broker.setDecision('granted');
        },
      });
      const subscribed = bridge.onChange(() => undefined);
      const state = await bridge.status();
      expect(state).toMatchObject({ ok: true, permission: 'denied', recovery: { target: 'app-settings' } });
      expect(state.ok && state.recovery?.url).toBeUndefined();

      const after = await bridge.openSettings!();
      expect(opened).toEqual([frame.webContents]);
      // macOS still has to be asked (its own prompt) once the app allows it: undetermined there.
      expect(after).toMatchObject({ ok: true, permission: os === 'darwin' ? 'undetermined' : 'granted' });
      expect(broker.status().permission).toBe(os === 'darwin' ? 'undetermined' : 'granted');
      expect(frame.sent.at(-1)?.args[0]).toMatchObject({ permission: os === 'darwin' ? 'undetermined' : 'granted' });
      expect(shell.opened).toEqual([]);
      expect(dialog.shown).toHaveLength(0);
      subscribed();
    },
  );

  it("R6: without openAppSettings the app's own denial opens nothing and asks nothing", async () => {
    const { bridge, dialog, broker } = rig('linux', 'denied');
    expect(await bridge.openSettings!()).toMatchObject({ ok: false, code: 'ERR_MICGATE_PROMPT_UNAVAILABLE' });
    await expect(broker.openRecoverySettings()).rejects.toMatchObject({ code: 'ERR_MICGATE_PROMPT_UNAVAILABLE' });
    expect(dialog.shown).toHaveLength(0);
    expect(broker.status().permission).toBe('denied');
  });

  it("openAppSettings replaces the broker's dialog, and gets the renderer that asked", async () => {
    const asked: Array<WebContents | undefined> = [];
    const { bridge, dialog, frame } = rig('linux', 'denied', {
      openAppSettings: (requester) => void asked.push(requester),
    });
    await bridge.openSettings!();
    expect(asked).toEqual([frame.webContents]);
    expect(dialog.shown).toHaveLength(0);
  });

  it('opens nothing when not denied, fails typed without a shell, and answers only the app', async () => {
    const granted = rig('darwin', 'granted');
    granted.systemPreferences.microphone = 'granted';
    expect(await granted.bridge.openSettings!()).toEqual({ ok: true, permission: 'granted' });
    expect(granted.shell.opened).toEqual([]);
    expect(granted.dialog.shown).toHaveLength(0);

    const noShell = rig('darwin', 'granted', { shell: null });
    noShell.systemPreferences.microphone = 'denied';
    expect(await noShell.bridge.openSettings!()).toMatchObject({ ok: false, code: ErrorCode.PromptUnavailable });
    const adapter = createElectronAdapter({ bridge: noShell.bridge });
    await expect(adapter.openRecoverySettings()).rejects.toMatchObject({ code: ErrorCode.PromptUnavailable });
    adapter.close();

    const foreign = rig('darwin', 'granted');
    foreign.systemPreferences.microphone = 'denied';
    const evil = createMicrophoneBridge(new FakeIpcRenderer(foreign.ipcMain, new FakeFrame('https://evil.example')));
    expect(await evil.openSettings!()).toMatchObject({ ok: false, code: 'ERR_MICGATE_FORBIDDEN_ORIGIN' });
    expect(foreign.shell.opened).toEqual([]);
  });
});
