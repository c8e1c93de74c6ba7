import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';

export interface PacedClock {
  /** Start ticking from now (buffer 0 is due one period later); does nothing while running. */
  start(): void;
  /** Stop ticking; safe to call from inside a tick. */
  stop(): void;
}

/**
 * Ticks at the pace a device delivers buffers: tick `index` runs once buffer `index` would be
 * complete, `startedAtMs + (index + 1) * periodMs` on the scheduler's clock. After a stalled event
 * loop it catches up with every missed tick, so no time is lost; one scheduled action per clock.
 * `startedAtMs` is when this run started, so buffer `index` began at `startedAtMs + index * periodMs`.
 */
export function createPacedClock(
  scheduler: SchedulerLike,
  periodMs: number,
  tick: (index: number, startedAtMs: number) => void,
): PacedClock {
  let task: Subscription | undefined;
  return {
    start() {
      if (task) return;
      const startedAt = scheduler.now();
      let ticked = 0;
      const run: Subscription = scheduler.schedule(function pace(this: SchedulerAction<undefined>) {
        let due = startedAt + (ticked + 1) * periodMs;
        // Half a millisecond of leeway: timers fire on whole milliseconds.
        while (due <= scheduler.now() + 0.5) {
          const index = ticked;
          ticked += 1;
          tick(index, startedAt);
          if (task !== run) return; // the tick stopped this clock
          due = startedAt + (ticked + 1) * periodMs;
        }
        this.schedule(undefined, Math.max(0, due - scheduler.now()));
      }, periodMs);
      task = run;
    },
    stop() {
      const running = task;
      task = undefined;
      running?.unsubscribe();
    },
  };
}
