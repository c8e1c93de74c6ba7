import { InvalidArgumentError, MissingUsageDescriptionError } from '@micgate/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CHANNELS,
  createMicrophoneBroker,
  MACOS_SETTINGS_REASON,
  type MicrophoneBrokerOptions,
  memoryDecisionStore,
  originOf,
} from '../src/main/index.js';
import { FakeDialog, FakeFrame, FakeIpcMain, FakeSession, FakeSystemPreferences } from './electron-fakes.js';

const APP = 'app://bundle';
const APP_PAGE = 'app://bundle/index.html';
const FOREIGN_PAGE = 'https://evil.example/page.html';
const PURPOSE = 'Records voice notes you choose to keep.';
/** A denial by the app's own dialog: its way back is the app's setting. */
const APP_SETTINGS = expect.objectContaining({ target: 'app-settings', platform: 'linux' });
/** A denial by macOS: its way back is the Privacy > Microphone pane. */
const MACOS_PANE = expect.objectContaining({
  target: 'os-privacy',
  platform: 'macos',
  url: 'x-apple.systempreferences:com.apple.preference.security?Privacy_Microphone',
});

interface Rig {
  session: FakeSession;
  ipcMain: FakeIpcMain;
  dialog: FakeDialog;
  systemPreferences: FakeSystemPreferences;
  store: ReturnType<typeof memoryDecisionStore>;
  errors: unknown[];
  broker: ReturnType<typeof createMicrophoneBroker>;
  frame(origin?: string): FakeFrame;
}

const rigs: Rig[] = [];

function rig(
  overrides: Partial<MicrophoneBrokerOptions> = {},
  initial: 'undetermined' | 'denied' | 'granted' = 'undetermined',
): Rig {
  const session = new FakeSession();
  const ipcMain = new FakeIpcMain();
  const dialog = new FakeDialog();
  const systemPreferences = new FakeSystemPreferences();
  const store = memoryDecisionStore(initial);
  const errors: unknown[] = [];
  const broker = createMicrophoneBroker({
    session,
    ipcMain,
    dialog,
    systemPreferences,
    os: 'linux',
    allowedOrigins: [APP],
    usageDescription: PURPOSE,
    appName: 'Voice Notes',
    store,
    onError: (error) => errors.push(error),
    ...overrides,
  });
  const made: Rig = {
    session,
    ipcMain,
    dialog,
    systemPreferences,
    store,
    errors,
    broker,
    frame: (origin = APP) => new FakeFrame(origin),
  };
  rigs.push(made);
  return made;
}

afterEach(() => {
  for (const made of rigs.splice(0)) {
    made.broker.close();
    made.dialog.dispose();
  }
});

describe('the request handler', () => {
  it('refuses a request that includes video, even with the microphone granted, and shows no dialog', async () => {
    const { session, dialog } = rig({}, 'granted');
    expect(await session.requestMedia(APP_PAGE, ['audio', 'video'])).toBe(false);
    expect(await session.requestMedia(APP_PAGE, ['video'])).toBe(false);
    expect(await session.requestMedia(APP_PAGE, ['audio'])).toBe(true);
    expect(dialog.shown).toHaveLength(0);
  });

  it('refuses a video request while undetermined without asking', async () => {
    const { session, dialog } = rig();
    expect(await session.requestMedia(APP_PAGE, ['audio', 'video'])).toBe(false);
    expect(dialog.shown).toHaveLength(0);
  });

  it('refuses a foreign origin, granted or not, and never shows it a dialog', async () => {
    const undetermined = rig();
    expect(await undetermined.session.requestMedia(FOREIGN_PAGE)).toBe(false);
    expect(undetermined.dialog.shown).toHaveLength(0);
    const granted = rig({}, 'granted');
    expect(await granted.session.requestMedia(FOREIGN_PAGE)).toBe(false);
    expect(await granted.session.requestMedia('file:///etc/passwd')).toBe(false);
    expect(await granted.session.requestMedia(APP_PAGE)).toBe(true);
  });

  it('refuses a request that names no security origin, whatever its URL says', async () => {
    const { session, dialog } = rig({}, 'granted');
    const answer = await session.request('media', {
      requestingUrl: APP_PAGE,
      isMainFrame: true,
      mediaTypes: ['audio'],
      securityOrigin: '',
    });
    expect(answer).toBe(false);
    expect(
      session.check('media', APP, {
        isMainFrame: true,
        mediaType: 'audio',
        securityOrigin: '',
        requestingUrl: APP_PAGE,
      }),
    ).toBe(false);
    expect(session.checkMedia(APP)).toBe(true);
    expect(dialog.shown).toHaveLength(0);
  });

  it('asks with the app dialog once for an undetermined getUserMedia and answers from it', async () => {
    const { session, dialog, store, broker } = rig();
    const first = session.requestMedia(APP_PAGE);
    const second = session.requestMedia(APP_PAGE);
    dialog.answerNext('Allow', 20);
    expect(await Promise.all([first, second])).toEqual([true, true]);
    expect(dialog.shown).toHaveLength(1);
    expect(dialog.shown[0]!.options.detail).toBe(PURPOSE);
    expect(dialog.shown[0]!.options.message).toContain('Voice Notes');
    await broker.flushed();
    expect(store.saved).toBe('granted');
    expect(await session.requestMedia(APP_PAGE)).toBe(true);
    expect(dialog.shown).toHaveLength(1);
  });

  it('refuses every other permission unless the app handles them', async () => {
    const { session } = rig({}, 'granted');
    expect(await session.request('notifications', { requestingUrl: APP_PAGE, isMainFrame: true })).toBe(false);
    expect(session.check('geolocation', APP, { isMainFrame: true })).toBe(false);
    const delegated = rig({
      otherPermissions: {
        request: (_webContents, permission, callback) => callback(permission === 'notifications'),
        check: (_webContents, permission) => permission === 'fullscreen',
      },
    });
    expect(await delegated.session.request('notifications', { requestingUrl: APP_PAGE, isMainFrame: true })).toBe(true);
    expect(delegated.session.check('fullscreen', APP, { isMainFrame: true })).toBe(true);
  });
});

describe('the check handler', () => {
  it('answers synchronously from memory, never with a promise, even while the dialog is open', async () => {
    const { session, dialog, broker } = rig();
    const asking = broker.request();
    expect(dialog.openCount).toBe(1);
    const started = performance.now();
    for (let i = 0; i < 2000; i++) {
      const answer = session.checkMedia(APP);
      expect(typeof answer).toBe('boolean');
      expect(answer).toBe(false);
    }
    // 2000 checks with a dialog pending: nothing waited for it.
    expect(performance.now() - started).toBeLessThan(1000);
    dialog.answerNext('Allow');
    await asking;
    const granted = session.checkMedia(APP);
    expect(granted).toBe(true);
    expect(typeof (granted as { then?: unknown }).then).toBe('undefined');
  });

  it('refuses video, unknown media, and foreign origins', () => {
    const { session } = rig({}, 'granted');
    expect(session.checkMedia(APP, 'audio')).toBe(true);
    expect(session.checkMedia(APP, 'video')).toBe(false);
    expect(session.checkMedia(APP, 'unknown')).toBe(false);
    expect(session.checkMedia('https://evil.example')).toBe(false);
  });

  it('reads macOS synchronously on every check', () => {
    const { session, systemPreferences } = rig({ os: 'darwin' }, 'granted');
    systemPreferences.microphone = 'granted';
    expect(session.checkMedia(APP)).toBe(true);
    systemPreferences.microphone = 'denied';
    expect(session.checkMedia(APP)).toBe(false);
  });
});

describe('the dialog', () => {
  it('is shown once for concurrent bridge and getUserMedia requests, and everyone gets its answer', async () => {
    const { session, ipcMain, dialog } = rig();
    const frame = new FakeFrame(APP);
    const requests = [
      ipcMain.invokeFrom(frame, CHANNELS.request, { usageDescription: PURPOSE }),
      ipcMain.invokeFrom(frame, CHANNELS.request, { usageDescription: PURPOSE }),
      session.requestMedia(APP_PAGE),
    ];
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(dialog.shown).toHaveLength(1);
    dialog.answerNext("Don't Allow", 10);
    const [a, b, media] = await Promise.all(requests);
    expect(a).toEqual({ ok: true, permission: 'denied', recovery: APP_SETTINGS });
    expect(b).toEqual({ ok: true, permission: 'denied', recovery: APP_SETTINGS });
    expect(media).toBe(false);
    expect(dialog.shown).toHaveLength(1);
  });

  it('treats Not Now (Esc, closing the box) as undetermined: nothing is remembered and the next request asks again', async () => {
    const { broker, dialog, store } = rig();
    dialog.answerNext('Not Now');
    expect((await broker.request()).permission).toBe('undetermined');
    await broker.flushed();
    expect(store.saved).toBe('undetermined');
    dialog.answerNext('Allow');
    expect((await broker.request()).permission).toBe('granted');
    expect(dialog.shown).toHaveLength(2);
    expect(dialog.shown[0]!.options.cancelId).toBe(dialog.shown[0]!.options.buttons!.indexOf('Not Now'));
  });

  it('answers with what the user chose, even if the settings change while the choice is being saved', async () => {
    let release: () => void = () => undefined;
    const slow = {
      load: () => 'undetermined' as const,
      save: () => new Promise<void>((resolve) => (release = resolve)),
    };
    const { broker, dialog } = rig({ store: slow });
    dialog.answerNext('Allow');
    const asking = broker.request();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const changed = broker.setDecision('denied');
    release();
    expect(await asking).toEqual({ permission: 'granted' });
    release();
    await changed;
    expect(broker.status().permission).toBe('denied');
  });

  it('is final once denied: later requests get denied without a dialog', async () => {
    const { broker, dialog } = rig();
    dialog.answerNext("Don't Allow");
    expect((await broker.request()).permission).toBe('denied');
    expect((await broker.request()).permission).toBe('denied');
    expect(dialog.shown).toHaveLength(1);
  });

  it('shows the purpose string the renderer sent, and the main default for getUserMedia', async () => {
    const { ipcMain, dialog } = rig();
    const frame = new FakeFrame(APP);
    const asking = ipcMain.invokeFrom(frame, CHANNELS.request, {
      usageDescription: 'Transcribes meetings.',
      appName: 'Scribe',
    });
    dialog.answerNext('Allow');
    expect(await asking).toEqual({ ok: true, permission: 'granted' });
    expect(dialog.shown[0]!.options.detail).toBe('Transcribes meetings.');
    // The app's own name (from the main process) wins over the page's.
    expect(dialog.shown[0]!.options.title).toBe('Voice Notes');
    const unnamed = rig({ appName: undefined as unknown as string }); // no app name configured
    const named = unnamed.ipcMain.invokeFrom(new FakeFrame(APP), CHANNELS.request, {
      usageDescription: 'x',
      appName: 'Scribe',
    });
    unnamed.dialog.answerNext('Allow');
    await named;
    expect(unnamed.dialog.shown[0]!.options.title).toBe('Scribe');
  });

  it('reports a dialog that cannot be shown as PROMPT_UNAVAILABLE and stays undetermined', async () => {
    const { ipcMain, dialog, broker } = rig();
    dialog.failWith = new Error('no display');
    const result = await ipcMain.invokeFrom(new FakeFrame(APP), CHANNELS.request, { usageDescription: PURPOSE });
    expect(result).toMatchObject({ ok: false, code: 'ERR_MICGATE_PROMPT_UNAVAILABLE' });
    expect((result as { message: string }).message).toContain('no display');
    expect(broker.status().permission).toBe('undetermined');
  });
});

describe('the IPC channels', () => {
  it('answer only frames of the app’s own origins', async () => {
    const { ipcMain, dialog } = rig({}, 'granted');
    const foreign = new FakeFrame('https://evil.example');
    for (const channel of [CHANNELS.status, CHANNELS.request, CHANNELS.subscribe]) {
      const result = await ipcMain.invokeFrom(foreign, channel, { usageDescription: PURPOSE });
      expect(result).toMatchObject({ ok: false, code: 'ERR_MICGATE_FORBIDDEN_ORIGIN' });
    }
    expect(dialog.shown).toHaveLength(0);
    const destroyed = new FakeFrame(APP);
    destroyed.destroyed = true; // senderFrame is null once the frame is gone
    expect(await ipcMain.invokeFrom(destroyed, CHANNELS.status)).toMatchObject({
      ok: false,
      code: 'ERR_MICGATE_FORBIDDEN_ORIGIN',
    });
    expect(await ipcMain.invokeFrom(new FakeFrame(APP), CHANNELS.status)).toEqual({ ok: true, permission: 'granted' });
  });

  it('refuses malformed requests, naming the field, before any dialog', async () => {
    const { ipcMain, dialog } = rig();
    const frame = new FakeFrame(APP);
    expect(await ipcMain.invokeFrom(frame, CHANNELS.request, 'please')).toMatchObject({
      ok: false,
      code: 'ERR_MICGATE_INVALID_ARGUMENT',
      field: 'request',
    });
    expect(await ipcMain.invokeFrom(frame, CHANNELS.request, { usageDescription: 42 })).toMatchObject({
      ok: false,
      message: expect.stringContaining('usageDescription'),
    });
    expect(await ipcMain.invokeFrom(frame, CHANNELS.request, { usageDescription: '   ' })).toMatchObject({
      ok: false,
      code: 'ERR_MICGATE_MISSING_USAGE_DESCRIPTION',
    });
    expect(await ipcMain.invokeFrom(frame, CHANNELS.request, { usageDescription: '\u200b' })).toMatchObject({
      ok: false,
      code: 'ERR_MICGATE_MISSING_USAGE_DESCRIPTION',
    });
    expect(await ipcMain.invokeFrom(frame, CHANNELS.request, { usageDescription: 'x'.repeat(5000) })).toMatchObject({
      ok: false,
      message: expect.stringContaining('usageDescription'),
    });
    expect(await ipcMain.invokeFrom(frame, CHANNELS.request, { usageDescription: PURPOSE, appName: {} })).toMatchObject(
      {
        ok: false,
        message: expect.stringContaining('appName'),
      },
    );
    expect(dialog.shown).toHaveLength(0);
  });

  it('broadcasts changes to subscribed frames of the app, not to frames that left it or are gone', async () => {
    const { ipcMain, broker } = rig();
    const stays = new FakeFrame(APP);
    const leaves = new FakeFrame(APP);
    const dies = new FakeFrame(APP);
    const never = new FakeFrame(APP);
    for (const frame of [stays, leaves, dies]) await ipcMain.invokeFrom(frame, CHANNELS.subscribe);
    leaves.origin = 'https://evil.example';
    dies.destroyed = true;
    await broker.setDecision('granted');
    expect(stays.sent).toEqual([{ channel: CHANNELS.changed, args: [{ permission: 'granted' }] }]);
    expect(leaves.sent).toEqual([]);
    expect(dies.sent).toEqual([]);
    expect(never.sent).toEqual([]);
    await ipcMain.invokeFrom(stays, CHANNELS.unsubscribe);
    await broker.setDecision('denied');
    expect(stays.sent).toHaveLength(1);
  });
});

describe('settings made outside the dialog', () => {
  it('setDecision changes, persists and announces; reset makes the next request ask', async () => {
    const { broker, store, dialog } = rig();
    const seen: string[] = [];
    broker.onChange((state) => seen.push(state.permission));
    await broker.setDecision('denied');
    expect(store.saved).toBe('denied');
    await broker.setDecision('granted');
    await broker.setDecision('undetermined');
    expect(seen).toEqual(['denied', 'granted', 'undetermined']);
    dialog.answerNext('Allow');
    expect((await broker.request()).permission).toBe('granted');
    expect(dialog.shown).toHaveLength(1);
    await expect(broker.setDecision('maybe' as never)).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('keeps answering when the decision cannot be saved, and reports the failure', async () => {
    const failing = { load: () => 'undetermined' as const, save: () => Promise.reject(new Error('disk full')) };
    const { broker, dialog, errors } = rig({ store: failing });
    dialog.answerNext('Allow');
    expect((await broker.request()).permission).toBe('granted');
    expect(broker.status().permission).toBe('granted');
    expect(errors).toEqual([expect.objectContaining({ message: 'disk full' })]);
  });

  it('after close, refuses the microphone (never Electron’s approve-all) and removes its IPC handlers', async () => {
    const { broker, session, ipcMain } = rig({}, 'granted');
    broker.close();
    expect(ipcMain.handlers.size).toBe(0);
    expect(session.requestHandler).not.toBeNull();
    expect(await session.requestMedia(APP_PAGE)).toBe(false);
    expect(session.checkMedia(APP)).toBe(false);
  });
});

describe('on macOS', () => {
  it('a system denial or restriction is denied, with where to change it, and no dialog', async () => {
    for (const system of ['denied', 'restricted'] as const) {
      const { broker, dialog, systemPreferences, session } = rig({ os: 'darwin' });
      systemPreferences.microphone = system;
      const state = await broker.request();
      expect(state).toEqual({ permission: 'denied', reason: MACOS_SETTINGS_REASON, recovery: MACOS_PANE });
      expect(state.reason).toContain('System Settings > Privacy & Security > Microphone');
      expect(dialog.shown).toHaveLength(0);
      expect(systemPreferences.asked).toBe(0);
      expect(await session.requestMedia(APP_PAGE)).toBe(false);
    }
  });

  it('after Allow in the app dialog, asks macOS once; its answer decides', async () => {
    const allowed = rig({ os: 'darwin' });
    allowed.dialog.answerNext('Allow');
    expect(await allowed.broker.request()).toEqual({ permission: 'granted' });
    expect(allowed.systemPreferences.asked).toBe(1);

    const refused = rig({ os: 'darwin' });
    refused.systemPreferences.nextSystemAnswer = false;
    refused.dialog.answerNext('Allow');
    expect(await refused.broker.request()).toEqual({
      permission: 'denied',
      reason: MACOS_SETTINGS_REASON,
      recovery: MACOS_PANE,
    });
    expect(refused.systemPreferences.asked).toBe(1);
  });

  it('does not ask macOS after Don’t Allow', async () => {
    const { broker, dialog, systemPreferences } = rig({ os: 'darwin' });
    dialog.answerNext("Don't Allow");
    expect((await broker.request()).permission).toBe('denied');
    expect(systemPreferences.asked).toBe(0);
  });

  it('recheck announces a change made in System Settings', async () => {
    const { broker, systemPreferences, ipcMain } = rig({ os: 'darwin' }, 'granted');
    systemPreferences.microphone = 'granted';
    const frame = new FakeFrame(APP);
    await ipcMain.invokeFrom(frame, CHANNELS.subscribe);
    systemPreferences.microphone = 'denied';
    broker.recheck();
    systemPreferences.microphone = 'granted';
    broker.recheck();
    broker.recheck();
    expect(frame.sent.map((message) => message.args[0])).toEqual([
      { permission: 'denied', reason: MACOS_SETTINGS_REASON, recovery: MACOS_PANE },
      { permission: 'granted' },
    ]);
  });
});

describe('options', () => {
  it('are checked, naming the field', () => {
    const bad: Array<[Partial<MicrophoneBrokerOptions>, string]> = [
      [{ allowedOrigins: [] }, 'allowedOrigins'],
      [{ allowedOrigins: ['not an origin'] }, 'allowedOrigins[0]'],
      [{ session: {} as never }, 'session'],
      [{ ipcMain: undefined as never }, 'ipcMain'],
      [{ dialog: { showMessageBox: 1 } as never }, 'dialog'],
      [{ os: 'darwin', systemPreferences: undefined as never }, 'systemPreferences'],
      [{ usageDescription: 7 as never }, 'usageDescription'],
      [{ appName: 7 as never }, 'appName'],
    ];
    for (const [overrides, field] of bad) {
      let thrown: unknown;
      try {
        rig(overrides);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, field).toBeInstanceOf(InvalidArgumentError);
      expect((thrown as InvalidArgumentError).field).toBe(field);
    }
    expect(() => rig({ usageDescription: '  ' })).toThrow(MissingUsageDescriptionError);
    // Invisible text is blank too: the dialog would show nothing.
    expect(() => rig({ usageDescription: '\u200b\u2060\ufeff' })).toThrow(MissingUsageDescriptionError);
  });

  it('an allowedOrigins entry with a path is refused, never widened to every page of that origin', () => {
    // Chromium gives every file: page the one origin `file://`: this entry would allow ~/Downloads/evil.html too.
    for (const entry of ['file:///opt/app/index.html', 'app://bundle/index.html', 'http://localhost:5173/app?x=1']) {
      let thrown: unknown;
      try {
        rig({ allowedOrigins: [entry] });
      } catch (error) {
        thrown = error;
      }
      expect(thrown, entry).toBeInstanceOf(InvalidArgumentError);
      expect((thrown as InvalidArgumentError).field).toBe('allowedOrigins[0]');
    }
  });

  it('"file://" is the explicit opt-in for every local file', async () => {
    const { session } = rig({ allowedOrigins: ['file://'] }, 'granted');
    expect(await session.requestMedia('file:///home/u/Downloads/evil.html')).toBe(true);
    expect(await session.requestMedia(FOREIGN_PAGE)).toBe(false);
  });

  it('origins compare as Chromium spells them', () => {
    expect(originOf('app://bundle/index.html')).toBe('app://bundle');
    expect(originOf('file:///Applications/x/index.html')).toBe('file://');
    expect(originOf('http://localhost:5173/')).toBe('http://localhost:5173');
    expect(originOf('about:blank')).toBeUndefined();
    expect(originOf('not a url')).toBeUndefined();
  });
});
