import { createMockPlatform, sine, VirtualClock } from '@micgate/mock';
import { type AudioFrame, type AudioInputDevice, ErrorCode } from 'micgate';
import { expect, test } from 'vitest';
import { createSessionWith } from '../../src/session.js';

test("micgate's session passes devices$ and record()'s device and onDeviceLost through to core", async () => {
  const clock = new VirtualClock();
  const mock = createMockPlatform({ scheduler: clock });
  mock.user.changeSetting('granted');
  const session = createSessionWith(
    { adapter: mock.adapter, usageDescription: 'Tests devices.', scheduler: clock },
    () => mock.adapter,
  );
  const lists: (readonly AudioInputDevice[])[] = [];
  const watch = session.devices$.subscribe((list) => lists.push(list));
  mock.inputs.add({ id: 'usb', name: 'USB Headset', signal: sine(1_000, 0.5) });
  expect(lists.map((list) => list.map((input) => input.id))).toEqual([['mock-microphone'], ['mock-microphone', 'usb']]);

  const frames: AudioFrame[] = [];
  let failure: unknown;
  const recording = session
    .record({ sampleRate: 48_000, channels: 1, framesPerBuffer: 480, device: 'USB Headset', onDeviceLost: 'end' })
    .subscribe({ next: (frame) => frames.push(frame), error: (error: unknown) => (failure = error) });
  await clock.advance(100);
  expect(mock.inputs.devices[1]!.isOpen).toBe(true);
  expect(mock.device.isOpen).toBe(false);
  mock.inputs.devices[1]!.unplug();
  await clock.advance(20);
  expect(failure).toMatchObject({ code: ErrorCode.DeviceLost });
  expect(frames.some((frame) => !frame.gated)).toBe(true);
  recording.unsubscribe();
  watch.unsubscribe();
  session.close();
});
