import { TestScheduler } from 'rxjs/testing';
import { expect, test } from 'vitest';
import { createSilenceClock } from '../src/gate.js';

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
