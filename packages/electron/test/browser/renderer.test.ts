import {
  createAudioSession,
  type DeviceFrame,
  DeviceLostError,
  DeviceNotFoundError,
  InvalidArgumentError,
  MicgateError,
  measureLevel,
  PromptUnavailableError,
} from '@micgate/core';
import { firstValueFrom, type Observable, take, toArray } from 'rxjs';
import { afterEach, describe, expect, test } from 'vitest';
import { createElectronAdapter } from '../../src/renderer/index.js';
import { FAKE_MICROPHONE, measureFrequency, setMicrophonePermission, waitFor } from './chromium.js';
import { createElectronRig, type ElectronRig, MAIN_USAGE_DESCRIPTION } from './electron-rig.js';

const FORMAT = { sampleRate: 48_000, channels: 1, framesPerBuffer: 1024 };
let rig: ElectronRig | undefined;

afterEach(async () => {
  await rig?.dispose();
  rig = undefined;
});

/** Frames after the fake device's sine has started (its first buffers can be silent). */
async function signalFrames(frames$: Observable<DeviceFrame>, count: number): Promise<DeviceFrame[]> {
  const all = await firstValueFrom(frames$.pipe(take(count + 30), toArray()));
  const start = all.findIndex((frame) => measureLevel(frame.samples).peak > 0.1);
  expect(start, 'the sine arrived within 30 buffers').toBeGreaterThanOrEqual(0);
  return all.slice(start + 1, start + 1 + count);
}

describe('the renderer adapter in Chromium', () => {
  test('captures the microphone once the broker has granted it: the 440 Hz sine at its level', async () => {
    rig = await createElectronRig({ initial: 'granted' });
    const { adapter } = rig.app;
    expect(await adapter.status()).toBe('granted');
    const frames = await signalFrames(adapter.capture(FORMAT), 40);
    const samples = new Float32Array(frames.flatMap((frame) => [...frame.samples]));
    expect(Math.abs(measureFrequency(samples, 48_000) - FAKE_MICROPHONE.frequency)).toBeLessThan(
      FAKE_MICROPHONE.frequency * 0.01,
    );
    expect(measureLevel(samples).rms).toBeGreaterThan(FAKE_MICROPHONE.rms * 0.9);
    expect(measureLevel(samples).rms).toBeLessThan(FAKE_MICROPHONE.rms * 1.1);
    expect(rig.mediaRequests).toEqual([{ mediaTypes: ['audio'], allowed: true }]);
    await waitFor(() => rig!.liveTracks().length === 0, 2_000, 'the track to stop after unsubscribing');
  });

  test('gets no audio when the broker refused: capture fails as Chromium fails it, no dialog shown', async () => {
    rig = await createElectronRig({ initial: 'denied' });
    const error = await firstValueFrom(rig.app.adapter.capture(FORMAT)).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(MicgateError);
    expect((error as MicgateError).code).toBe('ERR_MICGATE_PERMISSION_DENIED');
    expect(rig.mediaRequests).toEqual([{ mediaTypes: ['audio'], allowed: false }]);
    expect(rig.liveTracks()).toHaveLength(0);
    expect(rig.dialog.shown).toHaveLength(0);
  });

  test('a page asking for the camera too gets nothing, even with the microphone granted', async () => {
    rig = await createElectronRig({ initial: 'granted' });
    const both = await rig.app.getUserMedia({ audio: true, video: true }).catch((thrown: unknown) => thrown);
    expect(both).toMatchObject({ name: 'NotAllowedError' });
    const audio = await rig.app.getUserMedia({ audio: true });
    expect(audio.getAudioTracks()).toHaveLength(1);
    for (const track of audio.getTracks()) track.stop();
    expect(rig.mediaRequests).toEqual([
      { mediaTypes: ['audio', 'video'], allowed: false },
      { mediaTypes: ['audio'], allowed: true },
    ]);
    expect(rig.dialog.shown).toHaveLength(0);
  });

  test('a page that is not the app’s origin gets neither the bridge nor the microphone', async () => {
    rig = await createElectronRig({ initial: 'granted', allowedOrigins: ['app://bundle'] });
    expect(await rig.app.adapter.status().catch((thrown: unknown) => thrown)).toMatchObject({
      code: 'ERR_MICGATE_FORBIDDEN_ORIGIN',
    });
    const refused = await rig.app.getUserMedia({ audio: true }).catch((thrown: unknown) => thrown);
    expect(refused).toMatchObject({ name: 'NotAllowedError' });
    expect(rig.mediaRequests).toEqual([{ mediaTypes: ['audio'], allowed: false }]);
    expect(rig.liveTracks()).toHaveLength(0);
    expect(rig.dialog.shown).toHaveLength(0);
  });

  test('getUserMedia while undetermined shows the main process dialog once, with its purpose string', async () => {
    rig = await createElectronRig();
    rig.dialog.answerNext('Allow', 100);
    const frames = await firstValueFrom(rig.app.adapter.capture(FORMAT).pipe(take(3), toArray()));
    expect(frames).toHaveLength(3);
    expect(rig.dialog.shown.map((shown) => shown.options.detail)).toEqual([MAIN_USAGE_DESCRIPTION]);
    expect(await rig.app.adapter.status()).toBe('granted');
  });

  test('status, prompt and changes go through the bridge to the broker', async () => {
    rig = await createElectronRig();
    const { adapter, broker } = rig.app;
    const seen: string[] = [];
    const subscription = adapter.changes().subscribe((permission) => seen.push(permission));
    rig.dialog.answerNext('Allow', 50);
    expect(await adapter.prompt({ usageDescription: 'Records the renderer test.' })).toBe('granted');
    expect(rig.dialog.shown.at(-1)!.options.detail).toBe('Records the renderer test.');
    await broker.setDecision('denied');
    await waitFor(() => seen.includes('denied'), 2_000, 'the change to reach the renderer');
    expect(seen).toEqual(['granted', 'denied']);
    subscription.unsubscribe();
    expect(rig.app.frame.renderer!.listenerCount('micgate:microphone:changed')).toBe(0);
  });

  test('a session over the adapter records zeros until the dialog grants, then the sine', async () => {
    rig = await createElectronRig();
    const session = createAudioSession({ adapter: rig.app.adapter, usageDescription: 'Records the session test.' });
    rig.dialog.answerNext('Allow', 300);
    const frames = await firstValueFrom(session.record(FORMAT).pipe(take(60), toArray()));
    session.close();
    const firstDevice = frames.findIndex((frame) => !frame.gated);
    expect(firstDevice).toBeGreaterThan(0);
    expect(frames.slice(0, firstDevice).every((frame) => frame.samples.every((sample) => sample === 0))).toBe(true);
    expect(frames.slice(firstDevice).some((frame) => measureLevel(frame.samples).peak > 0.1)).toBe(true);
    expect(rig.dialog.shown).toHaveLength(1);
  });

  test('errors from the main process keep their meaning', async () => {
    rig = await createElectronRig();
    rig.dialog.failWith = new Error('no display');
    await expect(rig.app.adapter.prompt({ usageDescription: 'x' })).rejects.toBeInstanceOf(PromptUnavailableError);
    rig.app.frame.origin = 'https://evil.example'; // the window navigated away from the app
    const error = await rig.app.adapter.status().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(MicgateError);
    expect(error).toMatchObject({ code: 'ERR_MICGATE_FORBIDDEN_ORIGIN' });
  });

  // Chromium ends the page's track when its own permission is taken away (CDP); here that stands
  // for any track the platform ends. Why it ended is the broker's to say, not Chromium's.
  test('a track that ends while the broker still grants is a lost device: DeviceLostError', async () => {
    rig = await createElectronRig({ initial: 'granted' });
    let frames = 0;
    let failed: unknown;
    const subscription = rig.app.adapter
      .capture(FORMAT)
      .subscribe({ next: () => frames++, error: (error: unknown) => (failed = error) });
    await waitFor(() => frames >= 3, 5_000, 'frames to flow');
    await setMicrophonePermission('denied');
    await waitFor(() => failed !== undefined, 3_000, 'capture to fail');
    expect(failed).toBeInstanceOf(DeviceLostError);
    expect(rig.app.broker.status().permission).toBe('granted');
    subscription.unsubscribe();
  });

  test('a track that ends after the broker revoked the permission goes quiet without an error', async () => {
    rig = await createElectronRig({ initial: 'granted' });
    let frames = 0;
    let failed: unknown;
    const subscription = rig.app.adapter
      .capture(FORMAT)
      .subscribe({ next: () => frames++, error: (error: unknown) => (failed = error) });
    await waitFor(() => frames >= 3, 5_000, 'frames to flow');
    await rig.app.broker.setDecision('denied');
    await setMicrophonePermission('denied');
    await waitFor(() => rig!.liveTracks().length === 0, 3_000, 'the track to end');
    const after = frames;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(frames - after, 'no frames after the track ended').toBeLessThanOrEqual(1);
    expect(failed).toBeUndefined();
    expect(subscription.closed).toBe(false);
    subscription.unsubscribe();
  });

  test('a refusal from the main process arrives as the same class: InvalidArgumentError with its field', async () => {
    rig = await createElectronRig();
    const error = await rig.app.adapter
      .prompt({ usageDescription: 'x'.repeat(5_000) })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'ERR_MICGATE_INVALID_ARGUMENT', field: 'usageDescription' });
    expect(rig.dialog.shown).toHaveLength(0);
  });

  test('close() settles an open prompt as undetermined and ends changes(); the broker keeps the later answer', async () => {
    rig = await createElectronRig();
    const { adapter, broker } = rig.app;
    let changesEnded = false;
    adapter.changes().subscribe({ complete: () => (changesEnded = true) });
    const both = [
      adapter.prompt({ usageDescription: 'Records the close test.' }),
      adapter.prompt({ usageDescription: 'A second caller.' }),
    ];
    await waitFor(() => rig!.dialog.openCount === 1, 2_000, 'the dialog to open');
    adapter.close();
    expect(await Promise.all(both)).toEqual(['undetermined', 'undetermined']);
    expect(changesEnded).toBe(true);
    expect(rig.app.frame.renderer!.listenerCount('micgate:microphone:changed')).toBe(0);
    expect(rig.dialog.shown, 'one dialog for both callers').toHaveLength(1);
    rig.dialog.answerNext('Allow');
    await waitFor(() => broker.status().permission === 'granted', 2_000, 'the broker to keep the answer');
  });

  test('refuses a missing bridge, naming it, and finds window.micgate by default', async () => {
    rig = await createElectronRig();
    expect(() => createElectronAdapter({})).toThrow(InvalidArgumentError);
    (globalThis as { micgate?: unknown }).micgate = rig.app.bridge;
    try {
      expect(await createElectronAdapter({}).status()).toBe('undetermined');
    } finally {
      delete (globalThis as { micgate?: unknown }).micgate;
    }
  });

  // The renderer lists and opens devices with @micgate/browser's code. What the rig cannot show:
  // a real plug or unplug (Chromium's fake devices are fixed) and labels appearing at the grant
  // (here Chromium's own permission, which hides them, follows the broker only at getUserMedia).
  test("devices come from the browser's code: listed by name once granted, opened by id, an unknown id refused before anything opens", async () => {
    rig = await createElectronRig({ initial: 'granted' });
    let listings = 0;
    const adapter = createElectronAdapter({
      bridge: rig.app.bridge,
      getUserMedia: rig.app.getUserMedia,
      enumerateDevices: () => {
        listings++;
        return navigator.mediaDevices.enumerateDevices();
      },
    });
    expect(adapter.supports).toMatchObject({ devices: true, deviceChanges: true });
    await firstValueFrom(adapter.capture(FORMAT).pipe(take(2), toArray())); // Chromium's permission follows the broker
    const listed = await firstValueFrom(adapter.deviceChanges!());
    expect(listed.map((device) => device.name)).toEqual([
      'Fake Default Audio Input',
      'Fake Audio Input 1',
      'Fake Audio Input 2',
    ]);
    const chosen = listed.find((device) => device.name === 'Fake Audio Input 2')!;
    const subscription = adapter.capture(FORMAT, { device: chosen.id }).subscribe();
    await waitFor(() => rig!.liveTracks().length === 1, 5_000, 'the chosen input to open');
    expect(rig.liveTracks()[0]!.label).toBe('Fake Audio Input 2');
    subscription.unsubscribe();

    const requests = rig.mediaRequests.length;
    const missing = await firstValueFrom(adapter.capture(FORMAT, { device: 'unplugged-headset' })).catch(
      (thrown: unknown) => thrown,
    );
    expect(missing).toBeInstanceOf(DeviceNotFoundError);
    expect(rig.mediaRequests).toHaveLength(requests);

    // A decision from the broker lists again (in Electron it is what shows or hides the labels).
    let lists = 0;
    const changes = adapter.deviceChanges!().subscribe(() => lists++);
    await waitFor(() => lists === 1, 2_000, 'the first list');
    const before = listings;
    await rig.app.broker.setDecision('denied');
    await waitFor(() => listings > before, 2_000, 'a listing after the broker changed its decision');
    changes.unsubscribe();
    adapter.close();
  });
});
