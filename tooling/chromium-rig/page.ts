// Test tooling that runs inside the Chromium page (Vitest browser mode). Not part of the library's API.
import { measureTone } from '@micgate/test-utils';
import type { PromptRequest, RecordPermission } from '@micgate/core';
import { commands, userEvent } from 'vitest/browser';
import { FAKE_MICROPHONE } from './fake-microphone.js';

declare module 'vitest/browser' {
  interface BrowserCommands {
    setMicrophonePermission(state: RecordPermission): Promise<void>;
  }
}

export { FAKE_MICROPHONE };

/** The shapes of @micgate/browser's options, restated so the rig does not depend on the package it tests. */
export type GetUserMedia = (constraints: MediaStreamConstraints) => Promise<MediaStream>;
export type ExplainHook = (request: PromptRequest, context: { signal?: AbortSignal | undefined }) => Promise<boolean>;

/** Set this origin's microphone permission through CDP (the browser's own permission control). */
export function setMicrophonePermission(state: RecordPermission): Promise<void> {
  return commands.setMicrophonePermission(state);
}

/**
 * A real click on a button in the page, through Playwright's input (CDP `Input.dispatchMouseEvent`),
 * as a user gives it: the user gesture Chromium's default autoplay policy waits for before an
 * AudioContext may start. Activation is sticky, so once per test file is enough.
 */
export async function clickPage(label = 'Start'): Promise<void> {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = label;
  document.body.append(button);
  try {
    await userEvent.click(button);
  } finally {
    button.remove();
  }
}

/** This origin's microphone permission as the Permissions API reports it. */
export async function browserPermission(): Promise<PermissionState> {
  return (await navigator.permissions.query({ name: 'microphone' as PermissionName })).state;
}

/**
 * No 'dismiss': headless Chromium does dismiss a prompt by itself when the origin is left at
 * 'prompt' (NotAllowedError "Permission dismissed"), but afterwards it rejected every request from
 * the test page the same way, even once granted, which broke every later test in the run.
 */
export type GateAnswer = 'grant' | 'deny';

/**
 * Plays the user in front of Chromium's permission prompt, which headless Chromium never keeps
 * open: getUserMedia calls made while the origin's permission is 'prompt' (exactly the calls that
 * would show the prompt) are held at a gate until the test answers; the answer is applied
 * through CDP, then the real getUserMedia runs and its real outcome is returned.
 */
export interface MicrophoneGate {
  getUserMedia: GetUserMedia;
  /** Pass as the adapter's `explain`: records the purpose string the next prompt shows. */
  explain: ExplainHook;
  answerNextPrompt(answer: GateAnswer, delayMs?: number): void;
  /** Purpose strings of the prompts shown so far (the explanation that preceded each). */
  prompts(): string[];
  /** Prompts currently held open. */
  pending(): number;
  /** Tracks handed out that are still live. */
  liveTracks(): MediaStreamTrack[];
  /** How many streams getUserMedia has opened through the gate. */
  opened(): number;
  /** The next getUserMedia asks for an input that does not exist (Chromium rejects it for real). */
  requestMissingDeviceNext(): void;
  /**
   * Release held prompts (they reject), wait for getUserMedia calls already in the browser to
   * settle, and stop every track handed out. Await it before changing the permission again: a
   * request still in flight when the origin goes back to 'prompt' is dismissed by headless
   * Chromium, which then rejected later requests from the page ("Permission dismissed") even
   * once granted.
   */
  dispose(): Promise<void>;
}

interface HeldPrompt {
  release(answer: GateAnswer, delayMs: number): void;
  fail(error: Error): void;
}

export function createMicrophoneGate(
  realGetUserMedia: GetUserMedia = (c) => navigator.mediaDevices.getUserMedia(c),
): MicrophoneGate {
  const shown: string[] = [];
  const queued: { answer: GateAnswer; delayMs: number }[] = [];
  const held: HeldPrompt[] = [];
  const streams: MediaStream[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const inFlight = new Set<Promise<unknown>>();
  let explained: string | undefined;
  let missingDeviceNext = false;
  let disposed = false;

  const applyAnswer = async (answer: GateAnswer, delayMs: number) => {
    if (delayMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, delayMs);
        timers.add(timer);
      });
    }
    if (disposed) throw new DOMException('the test ended before the prompt was answered', 'AbortError');
    await setMicrophonePermission(answer === 'grant' ? 'granted' : 'denied');
  };

  const getUserMedia: GetUserMedia = async (constraints) => {
    if (disposed) throw new Error('the microphone gate was disposed');
    let request = constraints;
    if (missingDeviceNext) {
      missingDeviceNext = false;
      const audio = typeof constraints.audio === 'object' ? constraints.audio : {};
      request = { ...constraints, audio: { ...audio, deviceId: { exact: 'micgate-no-such-input' } } };
    }
    if ((await browserPermission()) === 'prompt') {
      shown.push(explained ?? '');
      explained = undefined;
      const next = queued.shift();
      if (next) await applyAnswer(next.answer, next.delayMs);
      else {
        await new Promise<void>((resolve, reject) => {
          held.push({
            release: (answer, delayMs) => applyAnswer(answer, delayMs).then(resolve, reject),
            fail: reject,
          });
        });
      }
    }
    if (disposed) throw new DOMException('the test ended', 'AbortError');
    const call = realGetUserMedia(request);
    inFlight.add(call);
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
    answerNextPrompt(answer, delayMs = 0) {
      const waiting = held.shift();
      if (waiting) waiting.release(answer, delayMs);
      else queued.push({ answer, delayMs });
    },
    prompts: () => [...shown],
    pending: () => held.length,
    liveTracks: () => streams.flatMap((stream) => stream.getTracks()).filter((track) => track.readyState === 'live'),
    opened: () => streams.length,
    requestMissingDeviceNext() {
      missingDeviceNext = true;
    },
    async dispose() {
      disposed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const prompt of held.splice(0))
        prompt.fail(new DOMException('the test ended before the prompt was answered', 'AbortError'));
      queued.length = 0;
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

/**
 * Frequency of a sine (one channel): the median over 50 ms windows, so one glitch of Chromium's fake
 * capture (a dropped or repeated chunk under load) does not move it.
 */
export function measureFrequency(samples: Float32Array, sampleRate: number): number {
  return measureTone(samples, sampleRate, 0.05).frequency;
}
