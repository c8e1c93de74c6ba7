import { createAudioSession, measureLevel } from '@micgate/core';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { createBrowserAdapter } from '../src/index.js';
import {
  clickPage,
  createMicrophoneGate,
  FAKE_MICROPHONE,
  type MicrophoneGate,
  measureFrequency,
  setMicrophonePermission,
  waitFor,
} from '@micgate/chromium-rig/page';

// This file must not click before its test: Chromium's user activation is sticky for the page.
// Chromium runs with its default autoplay policy (no --autoplay-policy flag in the rig).

const FORMAT = { sampleRate: 48_000, channels: 1, framesPerBuffer: 1024 };
let gate: MicrophoneGate;

beforeEach(async () => {
  await setMicrophonePermission('undetermined');
  gate = createMicrophoneGate();
});
afterEach(() => gate.dispose());

test('a returning visitor (granted on load, no gesture yet): gated zeros and needs-user-gesture; one real click → the tone', async () => {
  await setMicrophonePermission('granted'); // allowed on an earlier visit
  expect(navigator.userActivation.hasBeenActive, 'the premise: nobody has clicked this page').toBe(false);
  // The page's document, counting the gesture listeners capture adds and removes on it.
  const listening = new Set<string>();
  const counted = {
    get visibilityState() {
      return document.visibilityState;
    },
    addEventListener(
      type: string,
      listener: EventListenerOrEventListenerObject,
      options?: AddEventListenerOptions | boolean,
    ) {
      listening.add(type);
      document.addEventListener(type, listener, options);
    },
    removeEventListener(
      type: string,
      listener: EventListenerOrEventListenerObject,
      options?: EventListenerOptions | boolean,
    ) {
      listening.delete(type);
      document.removeEventListener(type, listener, options);
    },
    dispatchEvent: (event: Event) => document.dispatchEvent(event),
  };
  const gestures = () => ['pointerdown', 'keydown', 'touchend'].filter((type) => listening.has(type));
  const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia, document: counted });
  const session = createAudioSession({ adapter, usageDescription: 'Records the returning-visitor test.' });
  const seen: { gated: boolean; peak: number; silence: string | undefined }[] = [];
  const heard: Float32Array[] = [];
  const subscription = session.record(FORMAT).subscribe((frame) => {
    seen.push({ gated: frame.gated, peak: measureLevel(frame.samples).peak, silence: frame.silence });
    if (!frame.gated) heard.push(frame.samples.slice());
  });
  try {
    await waitFor(() => adapter.captureState === 'needs-user-gesture', 5_000, 'capture to say it needs a user gesture');
    await waitFor(
      () => gate.liveTracks().length === 1,
      5_000,
      'the microphone to open (it waits only for the gesture)',
    );
    const before = seen.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const waiting = seen.slice(before);
    expect(waiting.length, 'silence keeps flowing while it waits').toBeGreaterThanOrEqual(5);
    expect(waiting.every((frame) => frame.gated && frame.peak === 0)).toBe(true);
    expect(
      waiting.filter((frame) => frame.silence !== 'needs-user-gesture'),
      'each waiting frame says why',
    ).toEqual([]);
    expect(session.silence).toBe('needs-user-gesture');
    expect(adapter.captureState).toBe('needs-user-gesture');
    expect(gestures(), 'waiting for the next gesture on the document').toEqual(['pointerdown', 'keydown', 'touchend']);

    await clickPage('Start recording');
    const toneStart = () => heard.findIndex((samples) => measureLevel(samples).peak > 0.1);
    await waitFor(() => toneStart() >= 0 && heard.length > toneStart() + 20, 10_000, 'the tone after the click');
    expect(adapter.captureState).toBe('running');
    expect(session.silence).toBe(undefined);
    expect(gestures(), 'the gesture listeners are gone once audio runs').toEqual([]);
    const start = toneStart();
    const tone = heard.slice(start + 1, start + 21);
    const samples = new Float32Array(tone.length * FORMAT.framesPerBuffer);
    for (const [index, frame] of tone.entries()) samples.set(frame, index * FORMAT.framesPerBuffer);
    expect(Math.abs(measureFrequency(samples, FORMAT.sampleRate) - FAKE_MICROPHONE.frequency)).toBeLessThan(
      FAKE_MICROPHONE.frequency * 0.01,
    );
  } finally {
    subscription.unsubscribe();
    session.close();
  }
  await waitFor(() => adapter.captureState === 'idle', 2_000, 'capture to report idle once closed');
});
