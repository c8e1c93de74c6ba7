import { createAudioSession, measureLevel } from '@micgate/core';
import {
  createFirefoxMicrophone,
  measureFrequency,
  playSine,
  RIG_SINE,
  setMicrophonePermission,
  waitFor,
} from '@micgate/firefox-rig/page';
import { expect, test } from 'vitest';
import { createBrowserAdapter } from '../src/index.js';

// Firefox's default autoplay policy (media.autoplay.default 1), in a tab nobody has clicked: this
// file runs in its own Vitest project (its own tab), and in order: the bare AudioContext first,
// since a page that captures may start audio from then on.

const FORMAT = { sampleRate: 48_000, channels: 1, framesPerBuffer: 1024 };

test('the premise: with no gesture and no capture, an AudioContext stays suspended', async () => {
  expect(navigator.userActivation.hasBeenActive).toBe(false);
  const context = new AudioContext();
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(context.state).toBe('suspended');
  } finally {
    context.close().catch(() => undefined);
  }
});

test('a returning visitor (granted, no gesture): Firefox lets capture start audio, so the tone arrives with no click and never needs-user-gesture', async () => {
  await playSine(RIG_SINE.frequency, RIG_SINE.amplitude);
  await setMicrophonePermission('granted'); // allowed on an earlier visit
  const microphone = createFirefoxMicrophone();
  const adapter = createBrowserAdapter({ getUserMedia: microphone.getUserMedia });
  const session = createAudioSession({ adapter, usageDescription: 'Records the returning-visitor test.' });
  const states: string[] = [];
  const stateSubscription = adapter.captureState$.subscribe((state) => states.push(state));
  const heard: Float32Array[] = [];
  const subscription = session.record(FORMAT).subscribe((frame) => {
    if (!frame.gated) heard.push(frame.samples.slice());
  });
  try {
    await waitFor(() => heard.length >= 30, 10_000, 'the tone without a click');
    expect(navigator.userActivation.hasBeenActive, 'nobody clicked').toBe(false);
    expect(adapter.captureState).toBe('running');
    expect(states).not.toContain('needs-user-gesture');
    const samples = new Float32Array(20 * FORMAT.framesPerBuffer);
    for (const [index, frame] of heard.slice(5, 25).entries()) samples.set(frame, index * FORMAT.framesPerBuffer);
    expect(Math.abs(measureFrequency(samples, FORMAT.sampleRate) - RIG_SINE.frequency)).toBeLessThan(
      RIG_SINE.frequency * 0.01,
    );
    expect(Math.abs(measureLevel(samples).rms - RIG_SINE.rms)).toBeLessThan(RIG_SINE.rms * 0.05);
  } finally {
    subscription.unsubscribe();
    stateSubscription.unsubscribe();
    session.close();
    await microphone.dispose();
    await setMicrophonePermission('undetermined');
  }
});
