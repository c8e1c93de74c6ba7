import { DeviceBusyError } from '@micgate/core';
import { firstValueFrom } from 'rxjs';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { AudioSetupError, createBrowserAdapter } from '../src/index.js';
import { createMicrophoneGate, type MicrophoneGate, setMicrophonePermission } from '@micgate/chromium-rig/page';

const FORMAT = { sampleRate: 48_000, channels: 1, framesPerBuffer: 1024 };
let gate: MicrophoneGate;

beforeEach(async () => {
  await setMicrophonePermission('granted');
  gate = createMicrophoneGate();
});
afterEach(async () => {
  await gate.dispose();
  await setMicrophonePermission('undetermined');
});

test('a worklet URL that does not load fails with AudioSetupError naming it, before the microphone opens', async () => {
  const workletUrl = `${location.origin}/micgate-no-such-worklet.js`;
  const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia, workletUrl });
  const error = await firstValueFrom(adapter.capture(FORMAT)).catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(AudioSetupError);
  expect(error).not.toBeInstanceOf(DeviceBusyError);
  expect(error).toMatchObject({ code: 'ERR_MICGATE_AUDIO_SETUP' });
  expect((error as Error).message).toContain(workletUrl);
  expect(gate.liveTracks()).toHaveLength(0);
  expect(adapter.captureState).toBe('idle');
});

// Last in this file: a Content-Security-Policy cannot be taken back from a page once it applies.
test('a Content-Security-Policy that refuses blob: is named as such, with the workletUrl way out (not DeviceBusyError)', async () => {
  const meta = document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = "script-src 'self' 'unsafe-inline' 'unsafe-eval'";
  document.head.append(meta);
  const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia });
  const error = await firstValueFrom(adapter.capture(FORMAT)).catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(AudioSetupError);
  expect(error).toMatchObject({ code: 'ERR_MICGATE_AUDIO_SETUP' });
  expect((error as Error).message).toMatch(/Content-Security-Policy/);
  expect((error as Error).message).toMatch(/workletUrl/);
  expect((error as Error).message).toMatch(/blob:/);
  // Chromium's own error is an AbortError, the name getUserMedia uses for a device it cannot start.
  expect((error as Error).cause).toMatchObject({ name: 'AbortError' });
  expect(gate.liveTracks()).toHaveLength(0);
});
