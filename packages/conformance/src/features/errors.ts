import { type AudioFormat, ErrorCode } from '@micgate/core';
import { expect, test } from 'vitest';
import type { SuiteContext } from '../context.js';
import type { DeviceFault } from '../harness.js';
import { gapsIn } from '../recorder.js';

const BAD_FORMATS: [Record<string, unknown>, string][] = [
  [{ sampleRate: Number.NaN }, 'sampleRate'],
  [{ sampleRate: Number.POSITIVE_INFINITY }, 'sampleRate'],
  [{ sampleRate: 7_999 }, 'sampleRate'],
  [{ sampleRate: 384_001 }, 'sampleRate'],
  [{ sampleRate: '48000' }, 'sampleRate'],
  [{ channels: 0 }, 'channels'],
  [{ channels: 33 }, 'channels'],
  [{ channels: 1.5 }, 'channels'],
  [{ framesPerBuffer: 15 }, 'framesPerBuffer'],
  [{ framesPerBuffer: 16_385 }, 'framesPerBuffer'],
  [{ framesPerBuffer: 100.5 }, 'framesPerBuffer'],
];

/** R12: bad input is refused naming the field; device faults arrive as typed errors with stable codes. */
export function errorTests(c: SuiteContext): void {
  test('R12 a bad format is refused before any device is opened, naming the field', async () => {
    await c.grantedBefore();
    const session = c.open();
    for (const [format, field] of BAD_FORMATS) {
      expect(() => session.record(format as Partial<AudioFormat>), JSON.stringify(format)).toThrow(
        expect.objectContaining({ code: ErrorCode.InvalidArgument, field }),
      );
    }
    await c.h.clock.advance(50);
    expect(await c.h.device.isOpen()).toBe(false);
  });

  test('R12 a usageDescription that is not a string is refused, naming the field', async () => {
    expect(() => c.open({ usageDescription: 42 as unknown as string })).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidArgument, field: 'usageDescription' }),
    );
    expect(await c.promptCount()).toBe(0);
  });

  const openFaults: [DeviceFault, string, ErrorCode][] = [
    ['notFound', 'missing', ErrorCode.DeviceNotFound],
    ['busy', 'busy', ErrorCode.DeviceBusy],
  ];
  for (const [fault, label, code] of openFaults) {
    test(`R12 a device that is ${label} fails the recording with ${code}, and the session lives on`, async (ctx) => {
      c.requiresRig(ctx, fault);
      await c.grantedBefore();
      await c.h.device.injectFault!(fault);
      const session = c.open();
      const recording = c.record(session);
      await c.waitFor(code, () => recording.error !== undefined);
      expect(recording.error).toMatchObject({ code });
      expect(recording.got.every((frame) => frame.gated && frame.allZero)).toBe(true);
      expect(await c.answerOf(session.requestRecordPermission())).toBe(true);
    });
  }

  test(`R12 onDeviceLost end: a device lost mid-capture fails the recording with ${ErrorCode.DeviceLost} after every frame it gave`, async (ctx) => {
    c.requiresRig(ctx, 'lost');
    await c.grantedBefore();
    const session = c.open();
    const recording = c.record(session, { ...c.h.format, onDeviceLost: 'end' });
    await c.waitFor('device audio', () => recording.device().length >= 3);
    await c.h.device.injectFault!('lost');
    await c.waitFor(ErrorCode.DeviceLost, () => recording.error !== undefined);
    expect(recording.error).toMatchObject({ code: ErrorCode.DeviceLost });
    expect(gapsIn(recording.got)).toEqual([]);
    expect(await c.answerOf(session.requestRecordPermission())).toBe(true);
  });
}
