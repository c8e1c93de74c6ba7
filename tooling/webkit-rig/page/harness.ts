// The conformance harness for the browser adapter in WebKitGTK (page side of suite.js). Not part of the library's API.
import type { ConformanceHarness, CreateHarness } from '@micgate/conformance';
import type { AudioFormat, PromptRequest, RecordPermission, RecordPermissionAdapter } from '@micgate/core';
import { rig } from './rig.js';

/** What the rig's microphone plays unless a test changes it (suite.js starts the audio rig so). */
export const RIG_SINE = Object.freeze({ frequency: 440, amplitude: 0.5, rms: 0.5 / Math.SQRT2 });

/** The shapes of @micgate/browser's options, restated so the rig does not depend on the package it tests. */
export type GetUserMedia = (constraints: MediaStreamConstraints) => Promise<MediaStream>;
export type ExplainHook = (request: PromptRequest, context: { signal?: AbortSignal | undefined }) => Promise<boolean>;

/** Why this rig cannot stage what it declares false (printed with the tests the suite did not run). */
export const WEBKIT_CANNOT = Object.freeze({
  dismiss:
    "WebKitGTK's permission request offers the embedder only allow() and deny(): a prompt cannot be closed undecided",
  busy: 'PulseAudio shares a source between every client, so no device can be made busy',
});

/** The real getUserMedia, watched: streams handed out, tracks still live, the purpose the next prompt follows. */
export interface WebKitMicrophone {
  getUserMedia: GetUserMedia;
  explain: ExplainHook;
  liveTracks(): MediaStreamTrack[];
  opened(): number;
  /** The next getUserMedia asks for an input that does not exist (WebKit rejects it for real). */
  requestMissingDeviceNext(): void;
  /** Wait for calls in flight, stop every track handed out. */
  dispose(): Promise<void>;
}

export function createWebKitMicrophone(
  realGetUserMedia: GetUserMedia = (c) => navigator.mediaDevices.getUserMedia(c),
): WebKitMicrophone {
  const streams: MediaStream[] = [];
  const inFlight = new Set<Promise<unknown>>();
  let missingDeviceNext = false;
  let disposed = false;
  return {
    async getUserMedia(constraints) {
      if (disposed) throw new Error('the WebKit microphone was disposed');
      let request = constraints;
      if (missingDeviceNext) {
        missingDeviceNext = false;
        const audio = typeof constraints.audio === 'object' ? constraints.audio : {};
        request = { ...constraints, audio: { ...audio, deviceId: { exact: 'micgate-no-such-input' } } };
      }
      const call = realGetUserMedia(request);
      inFlight.add(call);
      const stream = await call.finally(() => inFlight.delete(call));
      if (disposed) {
        for (const track of stream.getTracks()) track.stop();
        throw new DOMException('the test ended', 'AbortError');
      }
      streams.push(stream);
      return stream;
    },
    async explain(request) {
      await rig('explained', request.usageDescription);
      return true;
    },
    liveTracks: () => streams.flatMap((stream) => stream.getTracks()).filter((track) => track.readyState === 'live'),
    opened: () => streams.length,
    requestMissingDeviceNext() {
      missingDeviceNext = true;
    },
    async dispose() {
      disposed = true;
      for (const stream of streams) for (const track of stream.getTracks()) track.stop();
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((resolve) => setTimeout(resolve, 3_000))]);
    },
  };
}

export interface WebKitHarnessOptions {
  /** Build the adapter under test on the microphone's getUserMedia and explanation hook. Called again by relaunch(). */
  makeAdapter(microphone: WebKitMicrophone): RecordPermissionAdapter;
  format?: AudioFormat;
  slackMs?: number;
}

/** Resolves once the page is `state` (a visibilitychange may come a moment after the window is mapped or unmapped). */
function visibility(state: DocumentVisibilityState, timeoutMs = 5_000): Promise<void> {
  if (document.visibilityState === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      document.removeEventListener('visibilitychange', seen);
      reject(new Error(`the page did not become ${state} within ${timeoutMs} ms`));
    }, timeoutMs);
    function seen() {
      if (document.visibilityState !== state) return;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', seen);
      resolve();
    }
    document.addEventListener('visibilitychange', seen);
  });
}

/**
 * The user changes the site's setting in the browser: the window is hidden while they do (another
 * window in front; the page is told it is hidden before anything changes), and shown again when
 * they come back. WebKit fires no `change` event: only coming back can tell the page.
 */
async function decideOutsideApp(decision: RecordPermission): Promise<void> {
  await rig('hide');
  await visibility('hidden');
  await rig('decide', decision);
  await rig('show');
  await visibility('visible');
}

const playSine = (frequency: number, amplitude: number) => rig<{ rms: number }>('playSine', frequency, amplitude);

/**
 * WebKitGTK in the embedding host (host.py): the user is played at WebKit's own prompt (held open
 * until answered) and in the site's setting, changed while the page is hidden (WebKit fires no
 * `change`: the adapter sees it when the page is visible again). The device is the audio rig's sine.
 */
export function webkitHarness(options: WebKitHarnessOptions): CreateHarness {
  return async () => {
    await rig('reset');
    await playSine(RIG_SINE.frequency, RIG_SINE.amplitude);
    const microphone = createWebKitMicrophone();
    let unplugged = false;
    let added = false;
    const unplug = async () => {
      unplugged = true;
      await rig('unplug');
    };
    const replug = async () => {
      await rig('replug');
      unplugged = false;
    };
    const harness: ConformanceHarness = {
      adapter: options.makeAdapter(microphone),
      user: {
        answerNextPrompt: async (answer, answerOptions) => {
          if (answer === 'dismiss') throw new Error(WEBKIT_CANNOT.dismiss);
          await rig('answerNextPrompt', answer, answerOptions?.delayMs ?? 0);
        },
        prompts: () => rig<string[]>('prompts'),
        setDecisionOutsideApp: decideOutsideApp,
      },
      device: {
        async playSine(frequency) {
          const { rms } = await playSine(frequency, RIG_SINE.amplitude);
          return { frequency, rms };
        },
        // The rig's feeder writes float32 0.0: exact digital zeros, through the remap too.
        async playSilence() {
          await playSine(RIG_SINE.frequency, 0);
        },
        // −63 dBFS RMS: quiet, never exact zeros.
        async playQuiet() {
          await playSine(RIG_SINE.frequency, 0.001);
        },
        isOpen: async () => microphone.liveTracks().length > 0,
        opens: async () => microphone.opened(),
        async injectFault(fault) {
          if (fault === 'notFound') microphone.requestMissingDeviceNext();
          else if (fault === 'lost') await unplug();
          else throw new Error(WEBKIT_CANNOT.busy);
        },
        // The rig's microphone unplugged: the sink behind it and the remapped source WebKit lists go.
        unplug,
        replug,
        // PulseAudio's sine source at 1 kHz, "Second Mic".
        async addDevice() {
          added = true;
          return rig<{ frequency: number; rms: number }>('addDevice');
        },
        async removeDevice() {
          await rig('removeDevice');
          added = false;
        },
      },
      clock: {
        now: () => performance.now(),
        advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      },
      can: { dismiss: false, faults: { notFound: true, busy: false, lost: true }, observeDeviceOpen: true },
      reasons: { ...WEBKIT_CANNOT },
      timing: { slackMs: options.slackMs ?? 300 },
      format: options.format ?? { sampleRate: 48_000, channels: 1, framesPerBuffer: 1024 },
      relaunch: async () => options.makeAdapter(microphone),
      async dispose() {
        await microphone.dispose();
        if (unplugged) await replug();
        if (added) await rig('removeDevice');
        await playSine(RIG_SINE.frequency, RIG_SINE.amplitude);
      },
    };
    return harness;
  };
}
