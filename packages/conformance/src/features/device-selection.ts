import { ErrorCode } from '@micgate/core';
import { expect, test } from 'vitest';
import type { SuiteContext } from '../context.js';
import type { PlayedSignal } from '../harness.js';
import type { Recording } from '../recorder.js';
import { channelOf, concat, measureTone } from '../signal.js';

/** An id no platform gives an input. */
const NO_SUCH_INPUT = 'micgate-conformance-no-such-input';

/** record({ device }): an input chosen by id or by name, and one that does not exist. */
export function deviceSelectionTests(c: SuiteContext): void {
  /** Device buffers to skip before measuring: a device's start-up is not its steady state. */
  const settle = () => Math.ceil((0.25 * c.h.format.sampleRate) / c.h.format.framesPerBuffer);

  /** The tone the recording's device audio carries (after its start-up). */
  const toneOf = async (recording: Recording) => {
    const wanted = settle() + Math.ceil((0.5 * c.h.format.sampleRate) / c.h.format.framesPerBuffer);
    await c.waitFor('half a second of device audio', () => recording.device().length >= wanted, 8_000);
    const audio = concat(
      recording
        .device()
        .slice(settle())
        .map((frame) => frame.samples!),
    );
    return measureTone(channelOf(audio, c.h.format.channels), c.h.format.sampleRate);
  };
  const expectTone = (measured: { frequency: number }, played: PlayedSignal) =>
    expect(
      Math.abs(measured.frequency - played.frequency) / played.frequency,
      `measured ${measured.frequency} Hz`,
    ).toBeLessThan(0.01);

  test('device selection: record({ device: id }) of the default input records it', async (ctx) => {
    c.requiresDeviceList(ctx);
    const played = await c.h.device.playSine(1_000);
    await c.grantedBefore();
    const session = c.open();
    const input = (await c.firstDevices(session)).find((candidate) => candidate.isDefault);
    expect(input, 'a default input').toBeDefined();
    const recording = c.record(session, { ...c.h.format, device: input!.id });
    expectTone(await toneOf(recording), played);
    expect(recording.error).toBeUndefined();
  });

  for (const by of ['id', 'name'] as const) {
    test(`device selection: record({ device: ${by} }) of a second input records that input, not the default`, async (ctx) => {
      c.requiresDeviceList(ctx);
      c.requiresRig(ctx, 'addDevice');
      await c.h.device.playSine(440);
      await c.grantedBefore();
      const session = c.open();
      const before = new Set((await c.firstDevices(session)).map((input) => input.id));
      const played = await c.h.device.addDevice!();
      let second: { id: string; name: string | undefined } | undefined;
      await c.waitFor('the second input in the adapter’s list', async () => {
        second = (await c.firstDevices(session)).find((input) => !before.has(input.id));
        return second !== undefined;
      });
      if (by === 'name')
        c.requires(ctx, second!.name !== undefined, `the ${c.name} adapter hides the second input’s name`);
      const recording = c.record(session, { ...c.h.format, device: by === 'id' ? second!.id : second!.name! });
      expectTone(await toneOf(recording), played);
      expect(recording.error).toBeUndefined();
    });
  }

  test(`device selection: an input that does not exist fails the recording with ${ErrorCode.DeviceNotFound} before anything opens`, async () => {
    await c.grantedBefore();
    const opensBefore = c.h.can.observeDeviceOpen ? await c.h.device.opens?.() : undefined;
    const session = c.open();
    const recording = c.record(session, { ...c.h.format, device: NO_SUCH_INPUT });
    await c.waitFor(ErrorCode.DeviceNotFound, () => recording.error !== undefined);
    expect(recording.error).toMatchObject({ code: ErrorCode.DeviceNotFound });
    expect(recording.device()).toEqual([]);
    expect(await c.h.device.isOpen()).toBe(false);
    if (opensBefore !== undefined) expect(await c.h.device.opens!()).toBe(opensBefore);
  });

  test(`device selection: the adapter's capture() of an id that is not an input errors ${ErrorCode.DeviceNotFound}`, async () => {
    await c.grantedBefore();
    let failure: unknown;
    let frames = 0;
    const subscription = c.h.adapter
      .capture(c.h.format, { device: NO_SUCH_INPUT })
      .subscribe({ next: () => frames++, error: (error: unknown) => (failure = error) });
    try {
      await c.waitFor(ErrorCode.DeviceNotFound, () => failure !== undefined);
      expect(failure).toMatchObject({ code: ErrorCode.DeviceNotFound });
      expect(frames).toBe(0);
    } finally {
      subscription.unsubscribe();
    }
  });
}
