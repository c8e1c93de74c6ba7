import { DeviceLostError } from '@micgate/core';
import { beforeAll, expect, test } from 'vitest';
import { captureAudio } from '../src/index.js';
import { clickPage, waitFor } from '@micgate/chromium-rig/page';
import { browserEndedTrack } from './ended-track.js';

// Chromium keeps its default autoplay policy: AudioContexts start only after a user gesture, so
// the page gets one real click first, as a user gives one (test/user-gesture.test.ts tests the page before any).
beforeAll(() => clickPage());

test('a track the browser ends while permission stands fails capture with DeviceLostError (the lost-device branch)', async () => {
  const { stream, end } = await browserEndedTrack();
  let frames = 0;
  let failed: unknown;
  const subscription = captureAudio(stream, { sampleRate: 48_000, channels: 1, framesPerBuffer: 512 }).subscribe({
    next: () => frames++,
    error: (error: unknown) => (failed = error),
  });
  await waitFor(() => frames >= 3, 5_000, 'frames from the element');
  const ended = new Promise((resolve) => stream.getAudioTracks()[0]!.addEventListener('ended', resolve));
  end();
  await ended;
  await waitFor(() => failed !== undefined, 3_000, 'the capture to fail');
  expect(failed).toBeInstanceOf(DeviceLostError);
  subscription.unsubscribe();
});

test("a track ended by a revocation goes quiet instead (classifyTrackEnd says 'revoked')", async () => {
  const { stream, end } = await browserEndedTrack();
  let frames = 0;
  let failed: unknown;
  let asked = 0;
  const subscription = captureAudio(
    stream,
    { sampleRate: 48_000, channels: 1, framesPerBuffer: 512 },
    {
      classifyTrackEnd: async () => {
        asked++;
        return 'revoked';
      },
    },
  ).subscribe({ next: () => frames++, error: (error: unknown) => (failed = error) });
  await waitFor(() => frames >= 3, 5_000, 'frames from the element');
  end();
  await waitFor(() => asked === 1, 3_000, 'the end to be classified');
  const after = frames;
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(frames - after).toBeLessThanOrEqual(1);
  expect(failed).toBeUndefined();
  expect(subscription.closed).toBe(false);
  subscription.unsubscribe();
});
