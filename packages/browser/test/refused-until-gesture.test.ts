/**
 * WebKit's "ask again only from a click": after a denial in a document it refuses every later
 * getUserMedia there, even once the site is allowed, until one made in a user gesture (probed in
 * WebKitGTK 2.50; its end-to-end check is apps/web-recorder/e2e/web-recorder.webkit.test.ts).
 * Chromium does not refuse that way, so the refusal is scripted here: the first getUserMedia
 * rejects as WebKit's does, later ones open Chromium's fake microphone. The clicks are real ones.
 */
import { MicrophoneDeniedError } from '@micgate/core';
import { clickPage, setMicrophonePermission, waitFor } from '@micgate/chromium-rig/page';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { captureAudio } from '../src/index.js';

const FORMAT = { sampleRate: 48_000, channels: 1, framesPerBuffer: 512 };
const REFUSED = () =>
  new DOMException(
    'The request is not allowed by the user agent or the platform in the current context, possibly because the user denied permission.',
    'NotAllowedError',
  );

beforeEach(() => setMicrophonePermission('granted'));
afterEach(() => setMicrophonePermission('undetermined'));

/** A getUserMedia that refuses the first `refusals` calls, noting whether each call had the user's activation. */
function refusingGetUserMedia(refusals: number) {
  const calls: { activated: boolean }[] = [];
  const open = () => {
    calls.push({ activated: navigator.userActivation.isActive });
    if (calls.length <= refusals) return Promise.reject(REFUSED());
    return navigator.mediaDevices.getUserMedia({ audio: true });
  };
  return { calls, open };
}

function capture(open: () => Promise<MediaStream>, refusedUntilGesture: () => Promise<boolean>) {
  const states: string[] = [];
  const seen = { frames: 0, error: undefined as unknown };
  const subscription = captureAudio(open, FORMAT, {
    refusedUntilGesture,
    onState: (state) => states.push(state),
  }).subscribe({ next: () => seen.frames++, error: (error) => (seen.error = error) });
  return { states, seen, subscription };
}

test('a refusal only a gesture lifts: needs-user-gesture, then the next click asks again from inside it and audio flows', async () => {
  const gum = refusingGetUserMedia(1);
  const run = capture(gum.open, async () => true);
  await waitFor(() => run.states.includes('needs-user-gesture'), 5_000, 'needs-user-gesture');
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(gum.calls).toHaveLength(1); // nothing asks again until the user acts
  expect(run.seen.frames).toBe(0);

  await clickPage('Start recording');
  await waitFor(() => run.seen.frames >= 3, 5_000, 'frames after the click');
  expect(gum.calls).toEqual([{ activated: false }, { activated: true }]);
  expect(run.states.at(-1)).toBe('running');
  expect(run.seen.error).toBeUndefined();
  run.subscription.unsubscribe();
});

test('refused again from inside the gesture: the denial is the error', async () => {
  const gum = refusingGetUserMedia(2);
  const run = capture(gum.open, async () => true);
  await waitFor(() => run.states.includes('needs-user-gesture'), 5_000, 'needs-user-gesture');
  await clickPage('Start recording');
  await waitFor(() => run.seen.error !== undefined, 5_000, 'the error');
  expect(run.seen.error).toBeInstanceOf(MicrophoneDeniedError);
  expect(gum.calls).toHaveLength(2);
});

test('a refusal that is a denial fails at once, and asks nothing on a later click', async () => {
  const gum = refusingGetUserMedia(1);
  const run = capture(gum.open, async () => false);
  await waitFor(() => run.seen.error !== undefined, 5_000, 'the error');
  expect(run.seen.error).toBeInstanceOf(MicrophoneDeniedError);
  expect(run.states).not.toContain('needs-user-gesture');
  await clickPage('Start recording');
  expect(gum.calls).toHaveLength(1);
});

test('unsubscribed while it waits for the gesture: the click opens nothing', async () => {
  const gum = refusingGetUserMedia(1);
  const run = capture(gum.open, async () => true);
  await waitFor(() => run.states.includes('needs-user-gesture'), 5_000, 'needs-user-gesture');
  run.subscription.unsubscribe();
  await clickPage('Start recording');
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(gum.calls).toHaveLength(1);
  expect(run.states.at(-1)).toBe('idle');
});
