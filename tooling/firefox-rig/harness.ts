// The conformance harness for adapters that run in Firefox (Vitest browser mode). Not part of the library's API.
import type { ConformanceHarness, CreateHarness, DeviceFault } from '@micgate/conformance';
import type { AudioFormat, RecordPermissionAdapter } from '@micgate/core';
import { commands } from 'vitest/browser';
import {
  clickPage,
  createFirefoxMicrophone,
  type FirefoxMicrophone,
  playSine,
  RIG_SINE,
  setMicrophonePermission,
} from './page.js';

export interface FirefoxHarnessOptions {
  /** Build the adapter under test on the microphone's getUserMedia and explanation hook. Called again by relaunch(). */
  makeAdapter(microphone: FirefoxMicrophone): RecordPermissionAdapter;
  format?: AudioFormat;
  /** Extra real-time slack; Firefox's audio start-up and a loaded machine need some. */
  slackMs?: number;
}

/** Why this rig cannot stage what it declares false (printed with the tests the suite did not run). */
export const FIREFOX_CANNOT = Object.freeze({
  dismiss:
    "Firefox's microphone prompt cannot be closed without deciding: it is persistent, with no close button; only Allow and Block end it",
  busy: "PulseAudio shares a source between clients: the rig's microphone cannot be made busy",
});

/**
 * Firefox with the audio rig's PulseAudio microphone: the user is played in Firefox's own site
 * permissions and prompt (chrome.js), the device is the rig's sine, which the harness can change,
 * silence, unplug and replug; a second input (second-input.js) is plugged in and out beside it.
 */
export function firefoxHarness(options: FirefoxHarnessOptions): CreateHarness {
  return async () => {
    // Firefox keeps its default autoplay policy: no AudioContext starts before a user gesture.
    // The page gets one real click, as the user of a recorder gives one (activation is sticky).
    if (!navigator.userActivation.hasBeenActive) await clickPage();
    await commands.rigReplug();
    await playSine(RIG_SINE.frequency, RIG_SINE.amplitude);
    await setMicrophonePermission('undetermined');
    const microphone = createFirefoxMicrophone();
    const faults: Record<DeviceFault, boolean> = { notFound: true, busy: false, lost: true };
    let unplugged = false;
    let added = false;
    // The rig's null sink unloaded: its monitor, the source Firefox lists, goes with it.
    const unplug = async () => {
      unplugged = true;
      await commands.rigUnplug();
    };
    const replug = async () => {
      await commands.rigReplug();
      unplugged = false;
    };
    const harness: ConformanceHarness = {
      adapter: options.makeAdapter(microphone),
      user: {
        answerNextPrompt: async (answer, answerOptions) => {
          if (answer === 'dismiss') throw new Error(FIREFOX_CANNOT.dismiss);
          microphone.answerNextPrompt(answer, answerOptions?.delayMs ?? 0);
        },
        prompts: async () => microphone.prompts(),
        setDecisionOutsideApp: (decision) => setMicrophonePermission(decision),
      },
      device: {
        playSine: async (frequency) => {
          const { rms } = await playSine(frequency, RIG_SINE.amplitude);
          return { frequency, rms };
        },
        // Exact zeros from the rig (the feeder writes 0.0 samples), as a hardware mute gives.
        playSilence: async () => {
          await playSine(RIG_SINE.frequency, 0);
        },
        // −63 dBFS RMS: quiet, never exact zeros.
        playQuiet: async () => {
          await playSine(RIG_SINE.frequency, 0.001);
        },
        isOpen: async () => microphone.liveTracks().length > 0,
        opens: async () => microphone.opened(),
        injectFault: async (fault) => {
          if (fault === 'notFound') microphone.requestMissingDeviceNext();
          else if (fault === 'lost') await unplug();
          else throw new Error(FIREFOX_CANNOT.busy);
        },
        unplug,
        replug,
        // A second null sink's monitor fed a paced 1 kHz sine, "Monitor of Second Mic" (second-input.js).
        addDevice: async () => {
          added = true;
          const { frequency, rms } = await commands.rigAddDevice();
          return { frequency, rms };
        },
        removeDevice: async () => {
          await commands.rigRemoveDevice();
          added = false;
        },
      },
      clock: {
        now: () => performance.now(),
        advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      },
      can: { dismiss: false, faults, observeDeviceOpen: true },
      reasons: { dismiss: FIREFOX_CANNOT.dismiss, busy: FIREFOX_CANNOT.busy },
      timing: { slackMs: options.slackMs ?? 200 },
      format: options.format ?? { sampleRate: 48_000, channels: 1, framesPerBuffer: 1024 },
      relaunch: async () => options.makeAdapter(microphone),
      dispose: async () => {
        await microphone.dispose();
        if (unplugged) await replug();
        if (added) await commands.rigRemoveDevice();
        await playSine(RIG_SINE.frequency, RIG_SINE.amplitude);
      },
    };
    return harness;
  };
}
