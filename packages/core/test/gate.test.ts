import { BehaviorSubject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { expect, test } from 'vitest';
import { createSilenceClock, type DeviceSink, type SaidSilence, silenceGate } from '../src/gate.js';
import type { AudioFrame, SilenceReason } from '../src/types.js';

const format = { sampleRate: 8_000, channels: 2, framesPerBuffer: 16 }; // 2 ms buffers

test('silence arrives one buffer after start, every buffer period, stamped with its capture time', () => {
  const scheduler = new TestScheduler(() => {});
  const times: number[] = [];
  const deliveredAt: number[] = [];
  const clock = createSilenceClock(format, scheduler, (_samples, time) => {
    times.push(time);
    deliveredAt.push(scheduler.now());
  });
  scheduler.schedule(() => clock.start(), 1);
  scheduler.schedule(() => clock.stop(), 8);
  scheduler.flush();
  expect(deliveredAt).toEqual([3, 5, 7]);
  expect(times).toEqual([0.001, 0.003, 0.005]);
});

test('one buffer is reused and re-zeroed before every delivery, even if a consumer wrote into it', () => {
  const scheduler = new TestScheduler(() => {});
  const seen: Float32Array[] = [];
  const sums: number[] = [];
  const clock = createSilenceClock(format, scheduler, (samples) => {
    seen.push(samples);
    sums.push(samples.reduce((sum, s) => sum + Math.abs(s), 0));
    samples.fill(1); // a misbehaving consumer
  });
  clock.start();
  scheduler.schedule(() => clock.stop(), 11);
  scheduler.flush();
  expect(seen).toHaveLength(5);
  expect(new Set(seen).size).toBe(1);
  expect(seen[0]!.length).toBe(32);
  expect(sums).toEqual([0, 0, 0, 0, 0]);
});

test('a stop inside a delivery ends the clock; a restart begins a new period from then', () => {
  const scheduler = new TestScheduler(() => {});
  const deliveredAt: number[] = [];
  const clock = createSilenceClock(format, scheduler, () => {
    deliveredAt.push(scheduler.now());
    if (deliveredAt.length === 2) clock.stop();
  });
  clock.start();
  scheduler.schedule(() => clock.start(), 9);
  scheduler.schedule(() => clock.stop(), 14);
  scheduler.flush();
  expect(deliveredAt).toEqual([2, 4, 11, 13]);
});

/** A granted gate over a device whose buffers the test pushes; half-second buffers, so two of zeros are 'device-silent'. */
function grantedGate(said: SaidSilence) {
  let sink: DeviceSink | undefined;
  const frames: AudioFrame[] = [];
  const gateFormat = { sampleRate: 8_000, channels: 1, framesPerBuffer: 4_000 };
  silenceGate({
    format: gateFormat,
    scheduler: new TestScheduler(() => {}),
    permission$: new BehaviorSubject('granted' as const),
    current: () => 'granted',
    open: (_format, opened) => {
      sink = opened;
      return () => undefined;
    },
    said,
  }).subscribe((frame) => frames.push(frame));
  let buffers = 0;
  const push = (value: number) =>
    sink!.frame({
      samples: new Float32Array(4_000).fill(value),
      frames: 4_000,
      sampleRate: 8_000,
      channels: 1,
      time: buffers++ * 0.5,
    });
  return { frames, push };
}

function saidSilence(initial: SilenceReason | undefined) {
  const reports: (SilenceReason | undefined)[] = [];
  const said = {
    current: initial,
    report(silence: SilenceReason | undefined) {
      reports.push(silence);
      said.current = silence;
    },
  };
  return { said, reports };
}

test("a frame's silence is told only when it differs from what is said", () => {
  const { said, reports } = saidSilence('not-asked');
  const { frames, push } = grantedGate(said);
  for (const value of [0.5, 0.5, 0, 0, 0, 0, 0.5, 0.5]) push(value);
  expect(frames.map((frame) => frame.silence)).toEqual([
    ...[undefined, undefined, undefined],
    ...['device-silent', 'device-silent', 'device-silent'],
    ...[undefined, undefined],
  ]);
  expect(reports).toEqual([undefined, 'device-silent', undefined]);
});

test("two gates telling one session: what is said is always the latest frame's silence", () => {
  const { said, reports } = saidSilence(undefined);
  const silent = grantedGate(said);
  const audible = grantedGate(said);
  const after: (SilenceReason | undefined)[] = [];
  for (let i = 0; i < 4; i++) {
    silent.push(0);
    after.push(said.current);
    audible.push(0.5);
    after.push(said.current);
  }
  expect(after).toEqual([
    undefined,
    undefined,
    'device-silent',
    undefined,
    'device-silent',
    undefined,
    'device-silent',
    undefined,
  ]);
  expect(reports).toEqual(['device-silent', undefined, 'device-silent', undefined, 'device-silent', undefined]);
});
