/**
 * The Electron adapter composed as an Electron app composes it, inside real Chromium: the
 * main-process broker (with in-memory fakes of session, ipcMain and dialog typed from Electron's
 * declarations), the preload bridge over a fake ipcRenderer, and the renderer adapter whose
 * capture is the browser adapter's AudioWorklet capture of Chromium's fake microphone.
 *
 * Electron decides a page's getUserMedia with the session's permission request handler, i.e.
 * the broker. Plain Chromium decides it with its own per-origin permission. So the page's
 * getUserMedia here first asks the fake session (which runs the broker's real handler) and
 * then sets Chromium's permission to exactly that answer through CDP before calling the real
 * getUserMedia: capture works if and only if the broker said yes, as in Electron.
 */
import type { GetUserMedia } from '@micgate/browser';
import type { RecordPermission } from '@micgate/core';
// The broker's modules without the file store (node:fs does not exist in a page).
import { createMicrophoneBroker, type MicrophoneBroker } from '../../src/main/broker.js';
import { memoryDecisionStore } from '../../src/main/decision-store.js';
import { exposeMicrophoneBridge, type MicrophoneBridge } from '../../src/preload/index.js';
import { createElectronAdapter, type ElectronAdapter } from '../../src/renderer/index.js';
import {
  FakeContextBridge,
  FakeDialog,
  FakeFrame,
  FakeIpcMain,
  FakeIpcRenderer,
  FakeSession,
} from '../electron-fakes.js';
import { clickPage, setMicrophonePermission } from './chromium.js';

export const MAIN_USAGE_DESCRIPTION = 'micgate electron rig: the main process default purpose string.';

/** One "process lifetime" of the app: a main process and one window's renderer. */
export interface RunningApp {
  session: FakeSession;
  ipcMain: FakeIpcMain;
  broker: MicrophoneBroker;
  frame: FakeFrame;
  bridge: MicrophoneBridge;
  adapter: ElectronAdapter;
  /** The page's getUserMedia as Electron runs it: the broker's request handler decides. */
  getUserMedia: GetUserMedia;
}

export interface ElectronRig {
  /** The user's screen: one dialog queue that outlives relaunches. */
  dialog: FakeDialog;
  /** Stands for the JSON file in userData (the page has no file system; decisionFile is tested in Node). */
  store: ReturnType<typeof memoryDecisionStore>;
  app: RunningApp;
  /** Quit and start again with the same userData. */
  relaunch(): RunningApp;
  /** getUserMedia calls that reached Chromium, and what the broker answered each. */
  mediaRequests: Array<{ mediaTypes: string[]; allowed: boolean }>;
  /** Tracks Chromium handed out that are still live. */
  liveTracks(): MediaStreamTrack[];
  /** How many streams Chromium has handed out. */
  opened(): number;
  /** The next getUserMedia asks for an input that does not exist (Chromium rejects it for real). */
  missingDeviceNext(): void;
  dispose(): Promise<void>;
}

export async function createElectronRig(
  options: { initial?: RecordPermission; allowedOrigins?: string[] } = {},
): Promise<ElectronRig> {
  // Plain Chromium keeps its default autoplay policy (no AudioContext before a user gesture;
  // Electron's windows default to starting audio without one): the page gets one real click.
  if (!navigator.userActivation.hasBeenActive) await clickPage();
  await setMicrophonePermission('undetermined');
  const origin = location.origin;
  const dialog = new FakeDialog();
  const store = memoryDecisionStore(options.initial ?? 'undetermined');
  const streams: MediaStream[] = [];
  const mediaRequests: ElectronRig['mediaRequests'] = [];
  let missingDevice = false;
  let disposed = false;

  function electronGetUserMedia(session: FakeSession): GetUserMedia {
    return async (constraints) => {
      const mediaTypes: Array<'audio' | 'video'> = [];
      if (constraints.audio) mediaTypes.push('audio');
      if (constraints.video) mediaTypes.push('video');
      const allowed = await session.requestMedia(location.href, mediaTypes);
      mediaRequests.push({ mediaTypes, allowed });
      await setMicrophonePermission(allowed ? 'granted' : 'denied');
      let request = constraints;
      if (missingDevice) {
        missingDevice = false;
        const audio = typeof constraints.audio === 'object' ? constraints.audio : {};
        request = { ...constraints, audio: { ...audio, deviceId: { exact: 'micgate-no-such-input' } } };
      }
      const stream = await navigator.mediaDevices.getUserMedia(request);
      if (disposed) {
        for (const track of stream.getTracks()) track.stop();
        throw new DOMException('the test ended', 'AbortError');
      }
      streams.push(stream);
      return stream;
    };
  }

  function launch(): RunningApp {
    const session = new FakeSession();
    const ipcMain = new FakeIpcMain();
    const broker = createMicrophoneBroker({
      session,
      ipcMain,
      dialog,
      os: 'linux',
      allowedOrigins: options.allowedOrigins ?? [origin],
      usageDescription: MAIN_USAGE_DESCRIPTION,
      appName: 'micgate conformance',
      store,
    });
    const frame = new FakeFrame(origin);
    const contextBridge = new FakeContextBridge();
    exposeMicrophoneBridge({ contextBridge, ipcRenderer: new FakeIpcRenderer(ipcMain, frame) });
    const bridge = contextBridge.world.micgate as MicrophoneBridge;
    const getUserMedia = electronGetUserMedia(session);
    const adapter = createElectronAdapter({ bridge, getUserMedia });
    return { session, ipcMain, broker, frame, bridge, adapter, getUserMedia };
  }

  const rig: ElectronRig = {
    dialog,
    store,
    app: launch(),
    relaunch() {
      rig.app.broker.close();
      rig.app = launch();
      return rig.app;
    },
    mediaRequests,
    liveTracks: () => streams.flatMap((stream) => stream.getTracks()).filter((track) => track.readyState === 'live'),
    opened: () => streams.length,
    missingDeviceNext() {
      missingDevice = true;
    },
    async dispose() {
      disposed = true;
      rig.app.broker.close();
      dialog.dispose();
      for (const stream of streams) for (const track of stream.getTracks()) track.stop();
      await setMicrophonePermission('undetermined');
    },
  };
  return rig;
}
