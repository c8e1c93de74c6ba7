import { type DeviceFrame, DeviceNotFoundError, measureLevel } from '@micgate/core';
import { firstValueFrom, type Observable, take, toArray } from 'rxjs';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
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

// Chromium keeps its default autoplay policy: AudioContexts start only after a user gesture, so
// the page gets one real click first, as a user gives one (test/user-gesture.test.ts tests the page before any).
beforeAll(() => clickPage());

let gate: MicrophoneGate;

beforeEach(async () => {
  await setMicrophonePermission('undetermined');
  gate = createMicrophoneGate();
});
afterEach(() => gate.dispose());

/** The first `count` frames once the fake device's sine has started (its first buffers can be silent). */
async function signalFrames(frames$: Observable<DeviceFrame>, count: number): Promise<DeviceFrame[]> {
  const all = await firstValueFrom(frames$.pipe(take(count + 30), toArray()));
  const start = all.findIndex((frame) => measureLevel(frame.samples).peak > 0.1);
  expect(start, 'the sine arrived within 30 buffers').toBeGreaterThanOrEqual(0);
  return all.slice(start + 1, start + 1 + count);
}

function channel(frames: DeviceFrame[], index: number): Float32Array {
  const { channels } = frames[0]!;
  const out = new Float32Array(frames.reduce((sum, frame) => sum + frame.frames, 0));
  let o = 0;
  for (const frame of frames) for (let i = index; i < frame.samples.length; i += channels) out[o++] = frame.samples[i]!;
  return out;
}

describe('capture through the AudioWorklet', () => {
  test('48 kHz mono, 1024-frame buffers: the fake microphone sine at its frequency and level, times continuous', async () => {
    await setMicrophonePermission('granted');
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia });
    const frames = await signalFrames(adapter.capture({ sampleRate: 48_000, channels: 1, framesPerBuffer: 1024 }), 40);
    for (const frame of frames) {
      expect(frame.samples).toHaveLength(1024);
      expect(frame.frames).toBe(1024);
      expect(frame.sampleRate).toBe(48_000);
    }
    for (let i = 1; i < frames.length; i++) {
      expect(Math.round((frames[i]!.time - frames[i - 1]!.time) * 48_000)).toBe(1024);
    }
    const samples = channel(frames, 0);
    expect(Math.abs(measureFrequency(samples, 48_000) - FAKE_MICROPHONE.frequency)).toBeLessThan(
      FAKE_MICROPHONE.frequency * 0.01,
    );
    expect(measureLevel(samples).rms).toBeGreaterThan(FAKE_MICROPHONE.rms * 0.95);
    expect(measureLevel(samples).rms).toBeLessThan(FAKE_MICROPHONE.rms * 1.05);
    await waitFor(() => gate.liveTracks().length === 0, 2_000, 'the track to stop after unsubscribing');
  });

  test('the requested rate is honoured (16 kHz context) and stereo carries the sine on both channels', async () => {
    await setMicrophonePermission('granted');
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia });
    const frames = await signalFrames(adapter.capture({ sampleRate: 16_000, channels: 2, framesPerBuffer: 256 }), 40);
    expect(frames[0]!.sampleRate).toBe(16_000);
    expect(frames[0]!.samples).toHaveLength(512);
    for (const index of [0, 1]) {
      const samples = channel(frames, index);
      expect(Math.abs(measureFrequency(samples, 16_000) - FAKE_MICROPHONE.frequency)).toBeLessThan(
        FAKE_MICROPHONE.frequency * 0.01,
      );
      expect(measureLevel(samples).rms).toBeGreaterThan(FAKE_MICROPHONE.rms * 0.9);
    }
  });

  test('an input that does not exist fails with DeviceNotFoundError and leaves nothing open', async () => {
    await setMicrophonePermission('granted');
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia });
    gate.requestMissingDeviceNext();
    const error = await firstValueFrom(
      adapter.capture({ sampleRate: 48_000, channels: 1, framesPerBuffer: 1024 }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceNotFoundError);
    expect(gate.liveTracks()).toHaveLength(0);
  });
});
