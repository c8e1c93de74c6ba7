import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attachRig } from '@micgate/audio-rig';
import { concat, measureTone } from '@micgate/conformance';
import { createPermissionStore } from '@micgate/node';
import { filter, firstValueFrom, map, take, toArray } from 'rxjs';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { createAudioSession, InvalidArgumentError } from 'micgate';

let configHome: string;
const savedXdg = process.env.XDG_CONFIG_HOME;
beforeEach(async () => {
  // The Node adapter's default store lives in $XDG_CONFIG_HOME/micgate: a fresh one per test.
  configHome = await mkdtemp(join(tmpdir(), 'micgate-entry-'));
  process.env.XDG_CONFIG_HOME = configHome;
});
afterEach(async () => {
  if (savedXdg === undefined) delete process.env.XDG_CONFIG_HOME;
  else process.env.XDG_CONFIG_HOME = savedXdg;
  await rm(configHome, { recursive: true, force: true });
});

test('on Node, `micgate` records the rig’s tone through the Node adapter', async () => {
  const rig = attachRig(process.env.MICGATE_RIG_DIR!);
  const played = await rig.setSine(440, 0.5);
  await createPermissionStore({ configDir: join(configHome, 'micgate') }).set('micgate-entry-test', 'granted');

  const session = createAudioSession({ appId: 'micgate-entry-test', usageDescription: 'Tests the micgate entry.' });
  expect(session.adapter.name).toBe('node');
  // Granted before the session: the device's audio follows (at most a few gated frames while the status is read).
  const frames = await firstValueFrom(
    session.record({ sampleRate: 48_000, channels: 1, framesPerBuffer: 480 }).pipe(
      filter((frame) => !frame.gated),
      take(150),
      // Samples are valid only while a frame is delivered (the Node adapter reuses its buffer): copy to keep.
      map((frame) => frame.samples.slice()),
      toArray(),
    ),
  );
  session.close();
  // The first 0.5 s may hold the device's start-up; the tone is measured on the last second.
  const tone = measureTone(concat(frames.slice(50)), 48_000);
  expect(Math.abs(tone.frequency - played.frequency) / played.frequency).toBeLessThan(0.01);
  expect(Math.abs(tone.rms - played.rms) / played.rms).toBeLessThan(0.1);
  expect(await rig.sourceOutputs()).toBe(0);
});

test('on Node, `appId` is required and named when missing', () => {
  let caught: unknown;
  try {
    createAudioSession({ usageDescription: 'Tests the micgate entry.' });
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidArgumentError);
  expect(caught).toMatchObject({ field: 'appId' });
  expect((caught as Error).message).toContain('micgate grant');
});
