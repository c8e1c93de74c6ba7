// The conformance harness for adapters that run in Chromium (Vitest browser mode). Not part of the library's API.
import type { ConformanceHarness, CreateHarness, DeviceFault } from '@micgate/conformance';
import type { AudioFormat, RecordPermissionAdapter } from '@micgate/core';
import {
  clickPage,
  createMicrophoneGate,
  FAKE_MICROPHONE,
  type MicrophoneGate,
  setMicrophonePermission,
} from './page.js';

export interface ChromiumHarnessOptions {
  /** Build the adapter under test on the gate's getUserMedia and explanation hook. Called again by relaunch(). */
  makeAdapter(gate: MicrophoneGate): RecordPermissionAdapter;
  format?: AudioFormat;
  /** Extra real-time slack; Chromium's audio start-up and a loaded machine need some. */
  slackMs?: number;
}

/**
 * Chromium with its fake microphone: the user is played with CDP permission overrides (see
 * MicrophoneGate), the device is the fake capture device playing FAKE_MICROPHONE.
 */
export function chromiumHarness(options: ChromiumHarnessOptions): CreateHarness {
  return async () => {
    // Chromium keeps its default autoplay policy: no AudioContext starts before a user gesture.
    // The page gets one real click, as the user of a recorder gives one (activation is sticky).
    if (!navigator.userActivation.hasBeenActive) await clickPage();
    await setMicrophonePermission('undetermined');
    const gate = createMicrophoneGate();
    const faults: Record<DeviceFault, boolean> = {
      // A real request for an input that does not exist: Chromium rejects it (OverconstrainedError).
      notFound: true,
      // The fake device cannot be made busy, and there is no way to unplug it: a track ends
      // on its own only when the permission is revoked, which is R9, not a lost device.
      busy: false,
      lost: false,
    };
    const harness: ConformanceHarness = {
      adapter: options.makeAdapter(gate),
      user: {
        answerNextPrompt: async (answer, answerOptions) => {
          if (answer === 'dismiss')
            throw new Error('dismissing a prompt cannot be played in headless Chromium (can.dismiss is false)');
          gate.answerNextPrompt(answer, answerOptions?.delayMs ?? 0);
        },
        prompts: async () => gate.prompts(),
        setDecisionOutsideApp: (decision) => setMicrophonePermission(decision),
      },
      device: {
        // The fake device plays one WAV for the whole run, whatever is asked: report what it plays.
        playSine: async () => ({ frequency: FAKE_MICROPHONE.frequency, rms: FAKE_MICROPHONE.rms }),
        isOpen: async () => gate.liveTracks().length > 0,
        opens: async () => gate.opened(),
        injectFault: async (fault) => {
          if (fault !== 'notFound') throw new Error(`Chromium's fake device cannot produce a '${fault}' fault`);
          gate.requestMissingDeviceNext();
        },
      },
      clock: {
        now: () => performance.now(),
        advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      },
      can: { dismiss: false, faults, observeDeviceOpen: true },
      reasons: {
        dismiss:
          'after one dismissal headless Chromium rejects every later request from the page ("Permission dismissed"), even once granted',
        busy: 'the fake capture device cannot be made busy',
        lost: 'the fake capture device cannot be unplugged; a track ends by itself only when permission is revoked (R9)',
        playSilence:
          'the fake capture device plays one WAV file for the whole browser run; it cannot switch to exact zeros',
      },
      timing: { slackMs: options.slackMs ?? 150 },
      format: options.format ?? { sampleRate: FAKE_MICROPHONE.sampleRate, channels: 1, framesPerBuffer: 1024 },
      relaunch: async () => options.makeAdapter(gate),
      dispose: () => gate.dispose(),
    };
    return harness;
  };
}
