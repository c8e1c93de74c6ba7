import { concat, measureTone } from '@micgate/conformance';
import { clickPage, FAKE_MICROPHONE, setMicrophonePermission } from '@micgate/chromium-rig/page';
import { createAudioSession, type RecordPermission } from 'micgate';
import { createMockPlatform } from 'micgate/mock';
import { filter, firstValueFrom, map, take, toArray } from 'rxjs';
import { afterEach, beforeAll, expect, test } from 'vitest';

type Global = { micgate?: unknown };

// Chromium keeps its default autoplay policy: audio starts only after a user gesture, so the page
// gets one real click first, as a user gives one.
beforeAll(() => clickPage());

/** What `exposeMicrophoneBridge` puts on an Electron page, answering `permission`. */
function fakeBridge(permission: RecordPermission) {
  const requests: unknown[] = [];
  return {
    requests,
    bridge: {
      status: async () => ({ ok: true, permission }),
      request: async (request: unknown) => {
        requests.push(request);
        return { ok: true, permission };
      },
      onChange: () => () => {},
    },
  };
}

afterEach(() => {
  delete (globalThis as Global).micgate;
});

const usageDescription = 'Tests which adapter micgate picks.';
const firstPermission = (session: { recordPermission$: import('rxjs').Observable<RecordPermission> }) =>
  firstValueFrom(session.recordPermission$);

test('without the Electron bridge: the browser adapter, reading Chromium’s permission', async () => {
  await setMicrophonePermission('denied');
  const session = createAudioSession({ usageDescription });
  expect(session.adapter.name).toBe('browser');
  expect(await firstPermission(session)).toBe('denied');
  session.close();
});

test('a `micgate` global that is not the bridge is ignored: still the browser adapter', async () => {
  (globalThis as Global).micgate = { version: '1' };
  const session = createAudioSession({ usageDescription });
  expect(session.adapter.name).toBe('browser');
  session.close();
});

test('with the bridge (an Electron renderer): the Electron adapter, whose permission is the broker’s, capturing in Chromium', async () => {
  // Chromium itself says denied; the broker (through the bridge) says granted: the broker wins.
  await setMicrophonePermission('denied');
  (globalThis as Global).micgate = fakeBridge('granted').bridge;
  const session = createAudioSession({ usageDescription });
  expect(session.adapter.name).toBe('electron');
  expect(await firstPermission(session)).toBe('granted');
  session.close();

  // In Electron the broker also answers Chromium's own check; here the test grants it in Chromium.
  await setMicrophonePermission('granted');
  const recording = createAudioSession({ usageDescription });
  const chunks = await firstValueFrom(
    recording.record({ sampleRate: 48_000, channels: 1, framesPerBuffer: 480 }).pipe(
      filter((frame) => !frame.gated),
      map((frame) => frame.samples.slice()), // valid during delivery only: keep a copy
      take(100),
      toArray(),
    ),
  );
  recording.close();
  const tone = measureTone(concat(chunks.slice(30)), 48_000);
  expect(Math.abs(tone.frequency - FAKE_MICROPHONE.frequency) / FAKE_MICROPHONE.frequency).toBeLessThan(0.01);
});

test('an explicit adapter wins over the bridge', async () => {
  (globalThis as Global).micgate = fakeBridge('granted').bridge;
  const { adapter } = createMockPlatform();
  const session = createAudioSession({ adapter, usageDescription });
  expect(session.adapter).toBe(adapter);
  session.close();
});
