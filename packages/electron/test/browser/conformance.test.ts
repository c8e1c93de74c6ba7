import { type ConformanceHarness, describeConformance, type PromptAnswer } from '@micgate/conformance';
import type { DialogButton } from '../electron-fakes.js';
import { FAKE_MICROPHONE } from './chromium.js';
import { createElectronRig } from './electron-rig.js';

const BUTTON_FOR: Record<PromptAnswer, DialogButton> = { grant: 'Allow', deny: "Don't Allow", dismiss: 'Not Now' };

/**
 * The conformance suite against the composed Electron adapter: main-process broker + preload
 * bridge + renderer adapter, with capture in real Chromium. The user answers the broker's own
 * dialog; "outside the app" is the broker's settings API (the app's preferences, or macOS's
 * System Settings which the Node tests cover with a fake TCC).
 */
async function createHarness(): Promise<ConformanceHarness> {
  const rig = await createElectronRig();
  return {
    get adapter() {
      return rig.app.adapter;
    },
    user: {
      answerNextPrompt: async (answer, options) => rig.dialog.answerNext(BUTTON_FOR[answer], options?.delayMs ?? 0),
      prompts: async () => rig.dialog.shown.map((shown) => shown.options.detail ?? ''),
      setDecisionOutsideApp: (decision) => rig.app.broker.setDecision(decision),
    },
    device: {
      // Chromium's fake microphone plays one file chosen at launch: the sine it plays is the answer.
      playSine: async () => ({ frequency: FAKE_MICROPHONE.frequency, rms: FAKE_MICROPHONE.rms }),
      isOpen: async () => rig.liveTracks().length > 0,
      opens: async () => rig.opened(),
      injectFault: async (fault) => {
        if (fault !== 'notFound') throw new Error(`the Chromium rig cannot inject '${fault}'`);
        rig.missingDeviceNext();
      },
    },
    clock: {
      now: () => performance.now(),
      advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    },
    // Chromium's fake device cannot be made busy or unplugged from the page.
    can: { dismiss: true, faults: { notFound: true, busy: false, lost: false }, observeDeviceOpen: true },
    reasons: {
      busy: 'Chromium’s fake capture device cannot be made busy',
      lost: 'Chromium’s fake capture device cannot be unplugged from the page',
      playSilence:
        'Chromium’s fake capture device plays one WAV file for the whole run; it cannot switch to exact zeros',
    },
    timing: { slackMs: 250 },
    format: { sampleRate: 48_000, channels: 1, framesPerBuffer: 1024 },
    relaunch: async () => rig.relaunch().adapter,
    dispose: () => rig.dispose(),
  };
}

describeConformance('electron (broker + bridge + Chromium capture)', createHarness);
