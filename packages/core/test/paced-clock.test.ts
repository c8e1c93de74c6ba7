import { TestScheduler } from 'rxjs/testing';
import { expect, test } from 'vitest';
import { createPacedClock } from '../src/index.js';

test('tick k runs when buffer k is complete, and a stalled scheduler catches up with every missed tick', () => {
  const scheduler = new TestScheduler(() => {});
  const ticks: [number, number, number][] = [];
  const clock = createPacedClock(scheduler, 4, (index, startedAt) => ticks.push([index, startedAt, scheduler.now()]));
  scheduler.schedule(() => clock.start(), 2);
  scheduler.schedule(() => clock.stop(), 15);
  scheduler.flush();
  expect(ticks).toEqual([
    [0, 2, 6],
    [1, 2, 10],
    [2, 2, 14],
  ]);
});

test('stopping from inside a tick stops at once; start() again begins a new run from 0', () => {
  const scheduler = new TestScheduler(() => {});
  const ticks: [number, number][] = [];
  const clock = createPacedClock(scheduler, 5, (index, startedAt) => {
    ticks.push([index, startedAt]);
    if (index === 1) clock.stop();
  });
  clock.start();
  scheduler.schedule(() => clock.start(), 20);
  scheduler.schedule(() => clock.stop(), 26);
  scheduler.flush();
  expect(ticks).toEqual([
    [0, 0],
    [1, 0],
    [0, 20],
  ]);
});
