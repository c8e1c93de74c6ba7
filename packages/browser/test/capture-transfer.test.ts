// The page is not cross-origin isolated (no COOP/COEP), so there is no SharedArrayBuffer to share:
// capture falls back to transferring one buffer per post (capture-ring.test.ts is the ring).
import { afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { createBrowserAdapter } from '../src/index.js';
import {
  clickPage,
  createMicrophoneGate,
  type MicrophoneGate,
  setMicrophonePermission,
} from '@micgate/chromium-rig/page';
import { expectTone, toneFrames, watchPortMessages } from './capture-path.js';

beforeAll(() => clickPage());

let gate: MicrophoneGate;
let port: ReturnType<typeof watchPortMessages>;
beforeEach(async () => {
  await setMicrophonePermission('granted');
  gate = createMicrophoneGate();
  port = watchPortMessages();
});
afterEach(() => {
  port.dispose();
  gate.dispose();
});

test('not isolated: the worklet transfers each buffer, and the tone arrives as through the ring', async () => {
  expect(globalThis.crossOriginIsolated).toBe(false);
  const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia });
  const { frames, shared } = await toneFrames(
    adapter.capture({ sampleRate: 48_000, channels: 1, framesPerBuffer: 1024 }),
    40,
  );
  expectTone(frames, 48_000, 1, 1024);
  expect(shared.some(Boolean)).toBe(false); // each buffer an array of its own
  expect(port.messages.length).toBeGreaterThanOrEqual(40);
  for (const message of port.messages) {
    expect(message).toEqual({ samples: expect.any(Float32Array), startFrame: expect.any(Number) });
  }
});

test('close() completes a capture that is open and releases its microphone', async () => {
  const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia });
  let completed = false;
  let delivered = 0;
  await new Promise<void>((resolve, reject) => {
    adapter.capture({ sampleRate: 48_000, channels: 1, framesPerBuffer: 1024 }).subscribe({
      next: () => {
        delivered += 1;
        if (delivered === 5) resolve();
      },
      error: reject,
      complete: () => (completed = true),
    });
  });
  expect(gate.liveTracks()).toHaveLength(1);
  adapter.close();
  expect(completed).toBe(true);
  expect(gate.liveTracks()).toEqual([]);
  const count = delivered;
  await new Promise((resolve) => setTimeout(resolve, 100)); // 4 buffer periods
  expect(delivered).toBe(count);
});
