// Test tooling that runs inside the Firefox page (Vitest browser mode). Not part of the library's API.
import type { PromptRequest, RecordPermission } from '@micgate/core';
import { measureTone } from '@micgate/test-utils';
import { commands } from 'vitest/browser';

export type PromptAnswer = 'grant' | 'deny';
export interface RigSignal {
  frequency: number;
  amplitude: number;
  rms: number;
}

declare module 'vitest/browser' {
  interface BrowserCommands {
    firefoxSetMicrophonePermission(state: RecordPermission): Promise<void>;
    firefoxAnswerPrompt(answer: PromptAnswer, options?: { remember?: boolean; timeoutMs?: number }): Promise<void>;
    firefoxPrompts(): Promise<number>;
    firefoxClick(): Promise<void>;
    rigSetSine(frequency: number, amplitude?: number): Promise<RigSignal>;
    rigUnplug(): Promise<void>;
    rigReplug(): Promise<void>;
    rigAddDevice(): Promise<RigSignal>;
    rigRemoveDevice(): Promise<void>;
    rigSourceOutputs(): Promise<number>;
  }
}

/** What the audio rig plays unless a test changes it (global-setup.js). */
export const RIG_SINE = Object.freeze({ frequency: 440, amplitude: 0.5, rms: 0.5 / Math.SQRT2 });

/** The shapes of @micgate/browser's options, restated so the rig does not depend on the package it tests. */
export type GetUserMedia = (constraints: MediaStreamConstraints) => Promise<MediaStream>;
export type ExplainHook = (request: PromptRequest, context: { signal?: AbortSignal | undefined }) => Promise<boolean>;

/** Set this origin's microphone permission in Firefox's site permissions (see chrome.js). */
export function setMicrophonePermission(state: RecordPermission): Promise<void> {
  return commands.firefoxSetMicrophonePermission(state);
}

/** Click Allow or Block on Firefox's own microphone prompt, once it is open (waits up to `timeoutMs`). */
export function answerFirefoxPrompt(
  answer: PromptAnswer,
  options?: { remember?: boolean; timeoutMs?: number },
): Promise<void> {
  return commands.firefoxAnswerPrompt(answer, options);
}

/** How many microphone prompts Firefox shows now. */
export function firefoxPrompts(): Promise<number> {
  return commands.firefoxPrompts();
}

/** Change the audio rig's sine; resolves once the new signal has reached the PulseAudio source. */
export function playSine(frequency: number, amplitude: number = RIG_SINE.amplitude): Promise<RigSignal> {
  return commands.rigSetSine(frequency, amplitude);
}

/**
 * A real click on a button in the page, through WebDriver BiDi input actions, as a user gives it:
 * the gesture Firefox's default autoplay policy (`media.autoplay.default` 1) waits for before an
 * AudioContext may start. Activation is sticky for the tab's document, so once per file is enough.
 */
export async function clickPage(label = 'Start'): Promise<void> {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = label;
  button.dataset.micgateClick = '';
  document.body.append(button);
  try {
    await commands.firefoxClick();
  } finally {
    button.remove();
  }
}

/** This origin's microphone permission as the Permissions API reports it. */
export async function browserPermission(): Promise<PermissionState> {
  return (await navigator.permissions.query({ name: 'microphone' as PermissionName })).state;
}

/**
 * Stands between the adapter and Firefox's getUserMedia only to watch: each call made while the
 * origin's permission is 'prompt' opens Firefox's real prompt, and the gate records the purpose
 * string the adapter explained before it, then clicks the queued answer on that prompt (or leaves
 * it open until `answerNextPrompt`). Every outcome is Firefox's own.
 */
export interface FirefoxMicrophone {
  getUserMedia: GetUserMedia;
  /** Pass as the adapter's `explain`: records the purpose string the next prompt shows. */
  explain: ExplainHook;
  answerNextPrompt(answer: PromptAnswer, delayMs?: number): void;
  /** Purpose strings of the prompts shown so far. */
  prompts(): string[];
  liveTracks(): MediaStreamTrack[];
  /** How many streams getUserMedia has opened. */
  opened(): number;
  /** The next getUserMedia asks for an input that does not exist (Firefox rejects it for real). */
  requestMissingDeviceNext(): void;
  /** Block prompts still open (not remembered), wait for calls in flight, stop every track handed out. */
  dispose(): Promise<void>;
}

export function createFirefoxMicrophone(
  realGetUserMedia: GetUserMedia = (c) => navigator.mediaDevices.getUserMedia(c),
): FirefoxMicrophone {
  const shown: string[] = [];
  const queued: { answer: PromptAnswer; delayMs: number }[] = [];
  /** Prompts open with no answer yet. */
  let unanswered = 0;
  const answering = new Set<Promise<void>>();
  const streams: MediaStream[] = [];
  const inFlight = new Set<Promise<unknown>>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let explained: string | undefined;
  let missingDeviceNext = false;
  let disposed = false;

  const answer = (choice: PromptAnswer, delayMs: number, remember = true) => {
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, delayMs);
      timers.add(timer);
    })
      .then(() => answerFirefoxPrompt(choice, { remember }))
      .catch((error: unknown) => console.warn(`[firefox-rig] answering the prompt (${choice}) failed:`, error))
      .finally(() => answering.delete(done));
    answering.add(done);
  };

  const getUserMedia: GetUserMedia = async (constraints) => {
    if (disposed) throw new Error('the Firefox microphone was disposed');
    let request = constraints;
    if (missingDeviceNext) {
      missingDeviceNext = false;
      const audio = typeof constraints.audio === 'object' ? constraints.audio : {};
      request = { ...constraints, audio: { ...audio, deviceId: { exact: 'micgate-no-such-input' } } };
    }
    // Firefox rejects a request for a missing input before it would prompt.
    const prompts = request === constraints && (await browserPermission()) === 'prompt';
    if (prompts) {
      shown.push(explained ?? '');
      explained = undefined;
    }
    const call = realGetUserMedia(request);
    inFlight.add(call);
    if (prompts) {
      const next = queued.shift();
      if (next) answer(next.answer, next.delayMs);
      else unanswered++;
    }
    const stream = await call.finally(() => inFlight.delete(call));
    if (disposed) {
      for (const track of stream.getTracks()) track.stop();
      throw new DOMException('the test ended', 'AbortError');
    }
    streams.push(stream);
    return stream;
  };

  return {
    getUserMedia,
    explain: (request: PromptRequest) => {
      explained = request.usageDescription;
      return Promise.resolve(true);
    },
    answerNextPrompt(choice, delayMs = 0) {
      if (unanswered > 0) {
        unanswered--;
        answer(choice, delayMs);
      } else queued.push({ answer: choice, delayMs });
    },
    prompts: () => [...shown],
    liveTracks: () => streams.flatMap((stream) => stream.getTracks()).filter((track) => track.readyState === 'live'),
    opened: () => streams.length,
    requestMissingDeviceNext() {
      missingDeviceNext = true;
    },
    async dispose() {
      disposed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      queued.length = 0;
      // A prompt nobody answered would hold its getUserMedia forever: Block it, not remembered
      // (the next harness forgets temporary decisions too).
      for (; unanswered > 0; unanswered--) answer('deny', 0, false);
      await Promise.allSettled([...answering]);
      const settled = Promise.allSettled([...inFlight]);
      await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 3_000))]);
      for (const stream of streams) for (const track of stream.getTracks()) track.stop();
    },
  };
}

/** Wait until `condition()` holds, checking every 10 ms; fail after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Frequency of a sine (one channel): the median over 50 ms windows, so one capture glitch does not move it. */
export function measureFrequency(samples: Float32Array, sampleRate: number): number {
  return measureTone(samples, sampleRate, 0.05).frequency;
}
