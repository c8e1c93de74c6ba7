// Device lists and their change stream on the rig, with real PortAudio: a second microphone
// plugged in and out while the process runs, selection by id and name, and not-found.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { attachRig } from '@micgate/audio-rig';
import { type AudioInputDevice, type DeviceFrame, DeviceLostError, DeviceNotFoundError } from '@micgate/core';
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, inject, test } from 'vitest';
import { createNodeAdapter } from '../src/adapter.js';
import { captureStats } from '../src/capture/index.js';
import { collect, waitUntil } from './frames.js';
import { finished, packageDir, tempDir } from './helpers.js';
import { concat, estimateFrequency } from './signal.js';

const rigDir = inject('rigDir');
const noRig = rigDir === '';
const rig = () => attachRig(rigDir);
const mono = { sampleRate: 48_000, channels: 1, framesPerBuffer: 480 };

async function adapter() {
  const dir = await tempDir();
  return { adapter: createNodeAdapter({ appId: 'devices-test', configDir: dir.path, onError: () => {} }), dir };
}

const ids = (devices: readonly AudioInputDevice[]) => devices.map((device) => device.id);

describe.skipIf(noRig)('input devices on the rig (PulseAudio sources, opened through PortAudio)', () => {
  afterEach(async () => {
    await rig()
      .removeSource('second')
      .catch(() => {});
    await waitUntil(() => captureStats().openStreams === 0, 3_000, 'every stream to close');
  });

  test('the manifest declares deviceChanges, and the stream starts with the inputs now', async () => {
    const { adapter: node, dir } = await adapter();
    try {
      expect(node.supports.deviceChanges).toBe(true);
      const first = await firstValueFrom(node.deviceChanges());
      expect(first).toEqual(await node.devices());
      expect(first).toEqual([
        {
          id: 'pulse:vmic.monitor',
          name: 'Monitor of Null Output',
          isDefault: true,
          maxChannels: expect.any(Number),
          defaultSampleRate: 48_000,
        },
      ]);
    } finally {
      node.close();
      await dir.remove();
    }
  });

  test('a second source plugged in while the process runs appears within 2 s, and goes when unplugged', async () => {
    const { adapter: node, dir } = await adapter();
    const lists: { at: number; devices: readonly AudioInputDevice[] }[] = [];
    const subscription = node.deviceChanges().subscribe((devices) => lists.push({ at: performance.now(), devices }));
    try {
      await waitUntil(() => lists.length === 1, 5_000, 'the first list');
      const pluggedAt = performance.now();
      await rig().addSource('second', { frequency: 1000, description: 'Second microphone' });
      await waitUntil(() => ids(lists.at(-1)!.devices).includes('pulse:second'), 2_000, 'the new source');
      const appearedMs = lists.at(-1)!.at - pluggedAt;
      expect(lists.at(-1)!.devices).toContainEqual(
        expect.objectContaining({ id: 'pulse:second', name: 'Second microphone', isDefault: false }),
      );
      const unpluggedAt = performance.now();
      await rig().removeSource('second');
      await waitUntil(() => !ids(lists.at(-1)!.devices).includes('pulse:second'), 2_000, 'the source to go');
      const goneMs = lists.at(-1)!.at - unpluggedAt;
      console.log(
        `device stream: plugged in → listed in ${appearedMs.toFixed(0)} ms, unplugged → gone in ${goneMs.toFixed(0)} ms`,
      );
      expect(ids(lists.at(-1)!.devices)).toEqual(['pulse:vmic.monitor']);
      // Every emission is a change: no list repeats the one before.
      for (let i = 1; i < lists.length; i++) expect(lists[i]!.devices).not.toEqual(lists[i - 1]!.devices);
    } finally {
      subscription.unsubscribe();
      node.close();
      await dir.remove();
    }
  });

  test('a new device shows while a capture is open, and the capture goes on undisturbed', async () => {
    const { adapter: node, dir } = await adapter();
    let lastList: readonly AudioInputDevice[] = [];
    const listing = node.deviceChanges().subscribe((devices) => (lastList = devices));
    const frames: DeviceFrame[] = [];
    let failed: unknown;
    const recording = node.capture(mono).subscribe({ next: (frame) => frames.push(frame), error: (e) => (failed = e) });
    try {
      await waitUntil(() => frames.length >= 20, 5_000, 'frames');
      const openedBefore = captureStats().opened;
      const lostBefore = captureStats();
      await rig().addSource('second');
      await waitUntil(() => ids(lastList).includes('pulse:second'), 2_000, 'the new source');
      const before = frames.length;
      await waitUntil(() => frames.length >= before + 50, 3_000, 'frames after the new device');
      expect(failed).toBeUndefined();
      // The same stream on: nothing reopened, no input dropped on its way to us.
      expect(captureStats()).toMatchObject({ opened: openedBefore, framesLost: lostBefore.framesLost });
    } finally {
      recording.unsubscribe();
      listing.unsubscribe();
      node.close();
      await dir.remove();
    }
  });

  test('capture(format, { device }) opens that device by id, and the adapter option by name', async () => {
    await rig().setSine(440, 0.5);
    await rig().addSource('second', { frequency: 1000, description: 'Second microphone' });
    const { adapter: node, dir } = await adapter();
    const byName = createNodeAdapter({
      appId: 'devices-test',
      configDir: dir.path,
      device: 'Second microphone',
      onError: () => {},
    });
    try {
      const frequency = (frames: DeviceFrame[]) =>
        estimateFrequency(concat(frames.slice(10).map((frame) => frame.samples)), 48_000);
      expect(frequency(await collect(node.capture(mono, { device: 'pulse:second' }), 60))).toBeCloseTo(1000, -1);
      expect(frequency(await collect(byName.capture(mono), 60))).toBeCloseTo(1000, -1);
      expect(frequency(await collect(node.capture(mono), 60))).toBeCloseTo(440, -1);
      expect(frequency(await collect(byName.capture(mono, { device: 'pulse:vmic.monitor' }), 60))).toBeCloseTo(440, -1);
    } finally {
      node.close();
      byName.close();
      await dir.remove();
    }
  });

  test('an id that is no input now is DeviceNotFoundError before anything opens', async () => {
    const { adapter: node, dir } = await adapter();
    const opened = captureStats().opened;
    try {
      const error = await collect(node.capture(mono, { device: 'pulse:second' }), 1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeviceNotFoundError);
      expect(String((error as Error).message)).toContain('pulse:vmic.monitor');
      expect(captureStats().opened).toBe(opened);
      expect(await rig().sourceOutputs()).toBe(0);
    } finally {
      node.close();
      await dir.remove();
    }
  });

  test('unplugging the open device ends its capture with DeviceLostError at once (the server says so)', async () => {
    await rig().addSource('second');
    const { adapter: node, dir } = await adapter();
    const frames: DeviceFrame[] = [];
    let failed: unknown;
    let failedAt = 0;
    const recording = node.capture(mono, { device: 'pulse:second' }).subscribe({
      next: (frame) => frames.push(frame),
      error: (error) => {
        failed = error;
        failedAt = performance.now();
      },
    });
    try {
      await waitUntil(() => frames.length >= 10, 5_000, 'frames');
      const unpluggedAt = performance.now();
      await rig().removeSource('second');
      await waitUntil(() => failed !== undefined, 3_000, 'the capture to end');
      expect(failed).toBeInstanceOf(DeviceLostError);
      console.log(`device lost: reported ${(failedAt - unpluggedAt).toFixed(0)} ms after the unplug`);
      expect(failedAt - unpluggedAt).toBeLessThan(1_000);
    } finally {
      recording.unsubscribe();
      node.close();
      await dir.remove();
    }
  });

  test("without pactl: PortAudio's own list (ids by host API and name), and deviceChanges() gives it at once", async () => {
    const empty = await tempDir();
    const script = `
      import { firstValueFrom } from 'rxjs';
      import { inputDeviceChanges, listInputDevices } from ${JSON.stringify(join(packageDir, 'src', 'capture', 'index.ts'))};
      const listed = await listInputDevices();
      const first = await firstValueFrom(inputDeviceChanges());
      console.log(JSON.stringify({ listed, first }));
    `;
    try {
      const result = await finished(
        spawn(
          process.execPath,
          ['--conditions=@micgate/source', '--import', 'tsx', '--input-type=module', '-e', script],
          // No pactl on PATH: the sound server cannot be asked, PortAudio still reaches it through ALSA.
          { cwd: packageDir, env: { ...process.env, PATH: empty.path }, stdio: ['ignore', 'pipe', 'pipe'] },
        ),
      );
      expect(result.code, result.stderr).toBe(0);
      const { listed, first } = JSON.parse(result.stdout) as Record<string, AudioInputDevice[]>;
      expect(ids(listed!)).toEqual(['ALSA:pulse', 'ALSA:default']);
      expect(listed!.find((device) => device.isDefault)?.id).toBe('ALSA:default');
      expect(first).toEqual(listed);
    } finally {
      await empty.remove();
    }
  });
});
