import { expect, test } from 'vitest';
import type { SuiteContext } from '../context.js';

/** Input mute (AVAudioApplication): gated zeros from the next buffer, the device kept open, audio back at once. */
export function muteTests(c: SuiteContext): void {
  test('mute: zeros within one buffer of muting, device audio within one buffer of unmuting, no reopen', async () => {
    await c.h.device.playSine(1_000);
    await c.grantedBefore();
    const session = c.open();
    const states: boolean[] = [];
    session.inputMuted$.subscribe((muted) => states.push(muted));
    const recording = c.record(session);
    await c.waitFor('device audio', () => recording.device().length >= 5, 8_000);
    const opens = c.h.can.observeDeviceOpen && c.h.device.opens ? await c.h.device.opens() : undefined;

    session.setInputMuted(true);
    const mutedAt = recording.got.length;
    await c.waitFor('five frames while muted', () => recording.got.length >= mutedAt + 5);
    const whileMuted = recording.got.slice(mutedAt);
    expect(whileMuted.filter((frame) => !frame.gated || !frame.allZero || frame.silence !== 'muted')).toEqual([]);
    expect(session.silence).toBe('muted');
    expect(await c.h.device.isOpen(), 'the device stays open while muted').toBe(true);

    session.setInputMuted(false);
    const unmutedAt = recording.got.length;
    await c.waitFor('five frames after unmuting', () => recording.got.length >= unmutedAt + 5);
    const afterUnmute = recording.got.slice(unmutedAt);
    expect(afterUnmute.filter((frame) => frame.gated || frame.silence !== undefined || frame.allZero)).toEqual([]);
    expect(session.silence).toBe(undefined);
    if (opens !== undefined) expect(await c.h.device.opens!(), 'device opens across mute and unmute').toBe(opens);
    expect(states).toEqual([false, true, false]);
    const positions = recording.got.map((frame) => frame.position);
    expect(
      positions.every((position, i) => i === 0 || position === positions[i - 1]! + recording.got[i - 1]!.frames),
    ).toBe(true);
  });
}
