/**
 * Devices in real Chromium with its fake devices (`--use-fake-device-for-media-stream`: "Fake
 * Default Audio Input", "Fake Audio Input 1" and "2"), permission set through CDP as a user sets
 * it, default autoplay policy (one real click first, for the AudioContext).
 *
 * What this cannot stage: a device plugged in, unplugged or made the new default while the
 * browser runs (the fake set is fixed, so Chromium never fires devicechange here), and a track
 * ended by a lost device (the fake device never goes away). Those are the scripted tests in
 * devices.test.ts, and track-end.test.ts (a track Chromium itself ends → DeviceLostError).
 */
import { type AudioInputDevice, DeviceLostError, DeviceNotFoundError } from '@micgate/core';
import {
  clickPage,
  createMicrophoneGate,
  type MicrophoneGate,
  setMicrophonePermission,
  waitFor,
} from '@micgate/chromium-rig/page';
import { firstValueFrom, Subject, type Subscription } from 'rxjs';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { captureAudio, createBrowserAdapter, toAudioInputs } from '../src/index.js';
import { browserEndedTrack } from './ended-track.js';

const FORMAT = { sampleRate: 48_000, channels: 1, framesPerBuffer: 512 };

beforeAll(() => clickPage());

let gate: MicrophoneGate | undefined;
const subscriptions: Subscription[] = [];
afterEach(async () => {
  for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
  await gate?.dispose();
  gate = undefined;
  await setMicrophonePermission('undetermined');
});

test('before a grant: one input, its name hidden (undefined) and its id the default; after the grant, the fake inputs by name, without a reload', async () => {
  await setMicrophonePermission('undetermined');
  const adapter = createBrowserAdapter();
  expect(adapter.supports.deviceChanges).toBe(true);
  const lists: (readonly AudioInputDevice[])[] = [];
  subscriptions.push(adapter.deviceChanges!().subscribe((list) => lists.push(list)));
  await waitFor(() => lists.length === 1, 3_000, 'the first list');
  expect(lists[0]).toEqual([{ id: 'default', name: undefined, isDefault: true }]);

  // The user allows the microphone in the site settings: no devicechange fires, the grant lists again.
  await setMicrophonePermission('granted');
  await waitFor(() => lists.length === 2, 3_000, 'the list after the grant');
  const names = lists[1]!.map((device) => device.name);
  expect(names).toEqual(['Fake Default Audio Input', 'Fake Audio Input 1', 'Fake Audio Input 2']);
  expect(lists[1]!.filter((device) => device.isDefault).map((device) => device.id)).toEqual(['default']);
  expect(await adapter.devices!()).toEqual(lists[1]);
  adapter.close();
});

test('capture by id opens that input (exact), not the default, and delivers its audio', async () => {
  await setMicrophonePermission('granted');
  gate = createMicrophoneGate();
  const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia });
  const chosen = (await adapter.devices!()).find((device) => device.name === 'Fake Audio Input 1');
  expect(chosen).toBeDefined();
  let loud = 0;
  subscriptions.push(
    adapter.capture(FORMAT, { device: chosen!.id }).subscribe((frame) => {
      if (frame.samples.some((sample) => Math.abs(sample) > 0.1)) loud++;
    }),
  );
  await waitFor(() => gate!.liveTracks().length === 1, 5_000, 'the track to open');
  const track = gate.liveTracks()[0]!;
  expect(track.label).toBe('Fake Audio Input 1');
  expect(track.getSettings().deviceId).toBe(chosen!.id);
  await waitFor(() => loud >= 3, 5_000, 'audio from the chosen input');
  expect(gate.opened()).toBe(1);
  adapter.close();
});

test('an id that is no input: DeviceNotFoundError, and nothing was opened', async () => {
  await setMicrophonePermission('granted');
  gate = createMicrophoneGate();
  const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia });
  const error = await firstValueFrom(adapter.capture(FORMAT, { device: 'micgate-no-such-input' })).catch(
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DeviceNotFoundError);
  expect(gate.opened()).toBe(0);
  // And Chromium's own answer for an id gone between the check and the open maps to the same error.
  gate.requestMissingDeviceNext();
  const raced = await firstValueFrom(adapter.capture(FORMAT, { device: 'default' })).catch((thrown: unknown) => thrown);
  expect(raced).toBeInstanceOf(DeviceNotFoundError);
  expect((raced as Error).message).toContain('OverconstrainedError');
  adapter.close();
});

// The fake input never goes away, so the track that ends stands in for it: a WebRTC receiver's,
// which Chromium itself ends. What is tested is the adapter's side: a chosen input whose track ends
// while the permission stands is DeviceLostError (what the session's 'wait' mode waits out).
test('a chosen input whose track ends while the permission stands: DeviceLostError', async () => {
  await setMicrophonePermission('granted');
  const asked: MediaStreamConstraints[] = [];
  const { stream, end } = await browserEndedTrack();
  const adapter = createBrowserAdapter({
    getUserMedia: async (constraints) => {
      asked.push(constraints);
      return stream;
    },
  });
  const chosen = (await adapter.devices!()).find((device) => device.name === 'Fake Audio Input 2')!;
  let frames = 0;
  let failed: unknown;
  subscriptions.push(
    adapter
      .capture(FORMAT, { device: chosen.id })
      .subscribe({ next: () => frames++, error: (error) => (failed = error) }),
  );
  await waitFor(() => frames >= 3, 5_000, 'frames');
  expect((asked[0]!.audio as MediaTrackConstraints).deviceId).toEqual({ exact: chosen.id });
  end();
  await waitFor(() => failed !== undefined, 3_000, 'the capture to fail');
  expect(failed).toBeInstanceOf(DeviceLostError);
  adapter.close();
});

// WebKit keeps an unplugged input's track live (no ended, no mute); only the list tells. Chromium's
// fake input never leaves, so the list is scripted here while the track is a real one.
test('an input that leaves the list (listed, then not) ends its capture with DeviceLostError and stops its track, though the track is live', async () => {
  await setMicrophonePermission('granted');
  const inputs = new Subject<readonly AudioInputDevice[]>();
  let opened: MediaStream | undefined;
  let frames = 0;
  let failed: unknown;
  subscriptions.push(
    captureAudio(
      async () => {
        opened = await navigator.mediaDevices.getUserMedia({ audio: true });
        return opened;
      },
      FORMAT,
      { inputs: () => inputs },
    ).subscribe({ next: () => frames++, error: (error) => (failed = error) }),
  );
  await waitFor(() => frames >= 3, 5_000, 'frames');
  const track = opened!.getAudioTracks()[0]!;
  const listed = toAudioInputs(await navigator.mediaDevices.enumerateDevices());
  expect(listed.map((input) => input.id)).toContain(track.getSettings().deviceId);

  inputs.next([]); // not listed yet (never listed: tells nothing)
  inputs.next(listed); // the input is there
  inputs.next(listed.map((input) => ({ ...input, name: undefined }))); // names hidden: tells nothing
  const before = frames;
  await waitFor(() => frames >= before + 3, 5_000, 'frames after lists that still have the input');
  expect(failed).toBeUndefined();

  inputs.next(listed.filter((input) => input.id !== track.getSettings().deviceId));
  await waitFor(() => failed !== undefined, 3_000, 'the capture to fail');
  expect(failed).toBeInstanceOf(DeviceLostError);
  expect(track.readyState).toBe('ended');
  expect(inputs.observed).toBe(false);
});
