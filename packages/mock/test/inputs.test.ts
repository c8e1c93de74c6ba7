import {
  type AudioFrame,
  type AudioInputDevice,
  createAudioSession,
  DeviceNotFoundError,
  type DeviceFrame,
} from '@micgate/core';
import { firstValueFrom } from 'rxjs';
import { expect, test } from 'vitest';
import { createMockPlatform, silence, sine, VirtualClock } from '../src/index.js';

const format = { sampleRate: 48_000, channels: 1, framesPerBuffer: 480 }; // 10 ms buffers

function setup() {
  const clock = new VirtualClock();
  const mock = createMockPlatform({ scheduler: clock });
  return { clock, mock };
}

test('the inputs: the first microphone is the default; added inputs are listed; the default follows the choice and falls back', async () => {
  const { mock } = setup();
  const lists: (readonly AudioInputDevice[])[] = [];
  const watch = mock.adapter.deviceChanges!().subscribe((list) => lists.push(list));
  mock.inputs.add({ id: 'usb', name: 'USB Headset' });
  mock.inputs.setDefault('usb');
  mock.inputs.devices[1]!.unplug();
  const summary = lists.map((list) => list.map((input) => `${input.id}${input.isDefault ? '*' : ''}`).join(' '));
  expect(summary).toEqual(['mock-microphone*', 'mock-microphone* usb', 'mock-microphone usb*', 'mock-microphone*']);
  expect(await mock.adapter.devices!()).toEqual([
    { id: 'mock-microphone', name: 'Mock Microphone', isDefault: true, maxChannels: 32, defaultSampleRate: 48_000 },
  ]);
  watch.unsubscribe();
  mock.adapter.close?.();
});

test('an input with a hidden name is listed with name undefined, never an empty string', async () => {
  const { mock } = setup();
  mock.inputs.add({ id: 'hidden', name: undefined });
  const list = await mock.adapter.devices!();
  expect(list.map((input) => input.name)).toEqual(['Mock Microphone', undefined]);
  expect(() => mock.inputs.add({ id: 'blank', name: '' })).toThrow(/name/);
  expect(() => mock.inputs.add({ id: 'hidden', name: 'again' })).toThrow(/id/);
});

test('capture opens the input the request names, the default without one; an id not plugged in is DeviceNotFoundError', async () => {
  const { clock, mock } = setup();
  mock.device.play(silence);
  mock.inputs.add({ id: 'usb', name: 'USB Headset', signal: sine(1_000, 0.5) });
  const first = (request?: { device: string }) => {
    const frames: DeviceFrame[] = [];
    let failed: unknown;
    // Samples are valid while a frame is delivered (the mock reuses its buffer): copy to keep.
    const subscription = mock.adapter.capture(format, request).subscribe({
      next: (frame) => frames.push({ ...frame, samples: frame.samples.slice() }),
      error: (error: unknown) => (failed = error),
    });
    return { frames, failed: () => failed, subscription };
  };
  const usb = first({ device: 'usb' });
  const fallback = first();
  const missing = first({ device: 'nope' });
  await clock.advance(20);
  expect(usb.frames[0]!.samples.some((sample) => sample !== 0)).toBe(true);
  expect(fallback.frames[0]!.samples.every((sample) => sample === 0)).toBe(true);
  expect(missing.failed()).toBeInstanceOf(DeviceNotFoundError);
  expect(mock.inputs.devices[1]!.opens).toBe(1);
  mock.inputs.devices[1]!.unplug();
  const unplugged = first({ device: 'usb' });
  expect(unplugged.failed()).toBeInstanceOf(DeviceNotFoundError);
  usb.subscription.unsubscribe();
  fallback.subscription.unsubscribe();
  expect(clock.pending).toBe(0);
});

test('an input with a fixed format delivers it whatever is asked (a headset that switched to 16 kHz)', async () => {
  const { clock, mock } = setup();
  mock.inputs.add({ id: 'bt', name: 'Headset', sampleRate: 16_000, channels: 2 });
  const frame = firstValueFrom(mock.adapter.capture(format, { device: 'bt' }));
  await clock.advance(100);
  expect(await frame).toMatchObject({ sampleRate: 16_000, channels: 2, frames: 480 });
  expect((await frame).samples).toHaveLength(960);
});

test('a session over the mock survives an unplug: zeros while it is gone, audio again after the replug', async () => {
  const { clock, mock } = setup();
  mock.user.changeSetting('granted');
  const session = createAudioSession({ adapter: mock.adapter, usageDescription: 'inputs', scheduler: clock });
  const frames: AudioFrame[] = [];
  const recording = session.record(format).subscribe((frame) => frames.push(frame));
  await clock.advance(100);
  mock.device.unplug();
  await clock.advance(500);
  mock.device.plugIn();
  await clock.advance(200);
  const reasons = frames.map((frame) => frame.silence ?? 'audio');
  const runs = reasons.filter((reason, index) => reason !== reasons[index - 1]);
  expect(runs).toEqual(['device-starting', 'audio', 'device-lost', 'device-starting', 'audio']);
  expect(frames.map((frame) => frame.position)).toEqual(frames.map((_, index) => index * 480));
  recording.unsubscribe();
  session.close();
  expect(clock.pending).toBe(0);
});
