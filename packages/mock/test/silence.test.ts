import { type AudioFrame, createAudioSession, type SilenceReason } from '@micgate/core';
import { BehaviorSubject, Observable } from 'rxjs';
import { expect, test } from 'vitest';
import { createMockPlatform, fromSamples, noise, silence, sine, VirtualClock } from '../src/index.js';

const format = { sampleRate: 48_000, channels: 1, framesPerBuffer: 480 }; // 10 ms buffers

function setup() {
  const clock = new VirtualClock();
  const mock = createMockPlatform({ scheduler: clock });
  const session = createAudioSession({ adapter: mock.adapter, usageDescription: 'silence reasons', scheduler: clock });
  const frames: { gated: boolean; silence: SilenceReason | undefined; position: number; zero: boolean }[] = [];
  const states: (SilenceReason | undefined)[] = [];
  session.silence$.subscribe((value) => states.push(value));
  const record = () =>
    session.record(format).subscribe((frame: AudioFrame) =>
      frames.push({
        gated: frame.gated,
        silence: frame.silence,
        position: frame.position,
        zero: frame.samples.every((s) => s === 0),
      }),
    );
  return { clock, mock, session, frames, states, record };
}

test('each gated frame says why: prompt open, then device starting, then device audio with no reason', async () => {
  const { clock, mock, session, frames, states, record } = setup();
  expect(session.silence).toBe('not-asked');
  mock.user.answerNextPrompt('grant', { delayMs: 100 });
  const recording = record();
  await clock.advance(300);
  const reasons = [...new Set(frames.map((frame) => frame.silence))];
  expect(reasons).toEqual(['prompt-open', 'device-starting', undefined]);
  expect(frames.filter((frame) => frame.silence !== undefined).every((frame) => frame.gated && frame.zero)).toBe(true);
  expect(frames.filter((frame) => frame.silence === undefined).every((frame) => !frame.gated)).toBe(true);
  expect(states).toEqual(['not-asked', 'prompt-open', 'device-starting', undefined]);
  recording.unsubscribe();
  session.close();
});

test('denied and not asked: the reason on frames and on the session', async () => {
  const { clock, mock, session, frames, record } = setup();
  mock.user.changeSetting('denied');
  await clock.advance(0);
  expect(session.silence).toBe('denied');
  const recording = record();
  await clock.advance(100);
  expect(frames.length).toBeGreaterThan(0);
  expect(frames.every((frame) => frame.gated && frame.silence === 'denied')).toBe(true);
  mock.user.changeSetting('undetermined');
  await clock.advance(50);
  expect(frames.at(-1)!.silence).toBe('not-asked');
  recording.unsubscribe();
  session.close();
});

test('muting gives gated zeros from the next buffer, with the device kept open; unmuting gives audio at once', async () => {
  const { clock, mock, session, frames, states, record } = setup();
  const muteStates: boolean[] = [];
  session.inputMuted$.subscribe((value) => muteStates.push(value));
  mock.user.changeSetting('granted');
  const recording = record();
  await clock.advance(100);
  expect(frames.at(-1)!.gated).toBe(false);
  const opens = mock.device.opens;
  session.setInputMuted(true);
  const mutedAt = frames.length;
  await clock.advance(100);
  expect(frames.slice(mutedAt).every((frame) => frame.gated && frame.zero && frame.silence === 'muted')).toBe(true);
  expect(session.silence).toBe('muted');
  expect(mock.device.isOpen).toBe(true);
  session.setInputMuted(false);
  const unmutedAt = frames.length;
  await clock.advance(100);
  expect(frames.slice(unmutedAt).every((frame) => !frame.gated && !frame.zero && frame.silence === undefined)).toBe(
    true,
  );
  expect(mock.device.opens).toBe(opens);
  expect(muteStates).toEqual([false, true, false]);
  expect(states.slice(-2)).toEqual(['muted', undefined]);
  // Positions run on across both switches.
  expect(frames.every((frame, i) => frame.position === i * format.framesPerBuffer)).toBe(true);
  expect(() => session.setInputMuted('yes' as unknown as boolean)).toThrow(/muted/);
  recording.unsubscribe();
  session.close();
});

test('muted before a grant: the permission reason wins; muted while idle shows on the session', async () => {
  const { clock, session } = setup();
  await clock.advance(0);
  session.setInputMuted(true);
  expect(session.silence).toBe('not-asked');
  expect(session.inputMuted).toBe(true);
  session.close();
});

test('about a second of exact zeros from the device says device-silent, cleared by the first non-zero sample', async () => {
  const { clock, mock, session, frames, record } = setup();
  mock.user.changeSetting('granted');
  const recording = record();
  await clock.advance(100);
  mock.device.play(silence);
  const silentFrom = frames.length;
  await clock.advance(1_500);
  const silentFrames = frames.slice(silentFrom);
  const first = silentFrames.findIndex((frame) => frame.silence === 'device-silent');
  // Flagged after one second of zeros (100 buffers of 10 ms; the buffer in flight may be partly audio).
  expect(first).toBeGreaterThanOrEqual(99);
  expect(first).toBeLessThanOrEqual(101);
  expect(
    silentFrames.slice(first).every((frame) => frame.silence === 'device-silent' && !frame.gated && frame.zero),
  ).toBe(true);
  expect(session.silence).toBe('device-silent');
  mock.device.play(sine(440, 0.5));
  const backAt = frames.length;
  await clock.advance(50);
  expect(frames.slice(backAt + 1).every((frame) => frame.silence === undefined)).toBe(true);
  expect(session.silence).toBe(undefined);
  recording.unsubscribe();
  session.close();
});

test('very quiet noise and a lone non-zero sample are not device silence', async () => {
  const { clock, mock, session, frames, record } = setup();
  mock.user.changeSetting('granted');
  const recording = record();
  mock.device.play(noise(1e-7));
  await clock.advance(3_000);
  expect(frames.filter((frame) => frame.silence === 'device-silent')).toEqual([]);
  // Zeros except one sample every 0.9 s.
  const sparse = new Float32Array(43_200);
  sparse[0] = 1e-9;
  mock.device.play(fromSamples(sparse, { loop: true }));
  const from = frames.length;
  await clock.advance(3_000);
  expect(frames.slice(from).filter((frame) => frame.silence === 'device-silent')).toEqual([]);
  recording.unsubscribe();
  session.close();
});

test('a lost device leaves the session saying device-lost until the next recording', async () => {
  const { clock, mock, session, record } = setup();
  mock.user.changeSetting('granted');
  let failed: unknown;
  session.record({ ...format, onDeviceLost: 'end' }).subscribe({ error: (error: unknown) => (failed = error) });
  await clock.advance(100);
  mock.device.unplug();
  await clock.advance(10);
  expect(failed).toBeDefined();
  expect(session.silence).toBe('device-lost');
  mock.device.plugIn();
  const recording = record();
  await clock.advance(100);
  expect(session.silence).toBe(undefined);
  recording.unsubscribe();
  session.close();
});

test('an adapter saying needs-user-gesture explains the silence of a granted recording', async () => {
  const clock = new VirtualClock();
  const mock = createMockPlatform({ scheduler: clock });
  const state = new BehaviorSubject<'idle' | 'starting' | 'running' | 'needs-user-gesture'>('idle');
  const held = {
    ...mock.adapter,
    captureState$: state,
    capture: () => new Observable<never>(() => state.next('needs-user-gesture')),
  };
  mock.user.changeSetting('granted');
  const session = createAudioSession({ adapter: held, usageDescription: 'gesture', scheduler: clock });
  const reasons: (SilenceReason | undefined)[] = [];
  const recording = session.record(format).subscribe((frame) => reasons.push(frame.silence));
  await clock.advance(100);
  expect(reasons.at(-1)).toBe('needs-user-gesture');
  expect(session.silence).toBe('needs-user-gesture');
  recording.unsubscribe();
  session.close();
  expect(state.observed).toBe(false);
});

test('a captureState$ getter that throws or is no Observable reaches onError, and the session works on', async () => {
  for (const bad of [
    () => {
      throw new Error('hostile getter');
    },
    () => 42,
  ]) {
    const clock = new VirtualClock();
    const mock = createMockPlatform({ scheduler: clock });
    const adapter = Object.defineProperty({ ...mock.adapter }, 'captureState$', { get: bad });
    const errors: unknown[] = [];
    const session = createAudioSession({
      adapter,
      usageDescription: 'bad state',
      scheduler: clock,
      onError: (error) => errors.push(error),
    });
    expect(errors).toHaveLength(1);
    mock.user.changeSetting('denied');
    await clock.advance(0);
    expect(session.silence).toBe('denied');
    session.close();
  }
});

test('a subscriber that transfers a muted buffer does not shorten the next muted buffers', async () => {
  const { clock, mock, session } = setup();
  mock.user.changeSetting('granted');
  const lengths: number[] = [];
  const buffers = new Set<Float32Array>();
  let transferred = false;
  const recording = session.record(format).subscribe((frame) => {
    lengths.push(frame.samples.length);
    if (frame.silence !== 'muted') return;
    if (transferred) buffers.add(frame.samples);
    else {
      transferred = true;
      structuredClone(frame.samples, { transfer: [frame.samples.buffer as ArrayBuffer] });
    }
  });
  await clock.advance(50);
  session.setInputMuted(true);
  await clock.advance(50);
  expect(lengths.filter((length) => length !== format.framesPerBuffer)).toEqual([]);
  // One new buffer after the transfer, reused from then on: no allocation per buffer.
  expect(buffers.size).toBe(1);
  recording.unsubscribe();
  session.close();
});
