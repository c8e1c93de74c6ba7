import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import type { AudioFormat } from './types.js';

export interface SilenceClock {
  /** Start (or keep) delivering zeroed buffers at the real-time pace, from now. */
  start(): void;
  stop(): void;
}

/**
 * Zeroed buffers at the pace a device would deliver them: buffer k is delivered when its last
 * frame would have been captured. Catches up after a stalled event loop, so no time is lost.
 * One buffer is reused (re-zeroed before each delivery): no allocation per buffer.
 */
export function createSilenceClock(
  format: AudioFormat,
  scheduler: SchedulerLike,
  deliver: (samples: Float32Array, timeSeconds: number) => void,
): SilenceClock {
  const zeros = new Float32Array(format.framesPerBuffer * format.channels);
  const periodMs = (format.framesPerBuffer / format.sampleRate) * 1000;
  let task: Subscription | undefined;

  return {
    start() {
      if (task) return;
      const startedAt = scheduler.now();
      let delivered = 0;
      const run: Subscription = scheduler.schedule(function tick(this: SchedulerAction<undefined>) {
        while (startedAt + (delivered + 1) * periodMs <= scheduler.now() + 0.5) {
          zeros.fill(0);
          deliver(zeros, (startedAt + delivered * periodMs) / 1000);
          delivered += 1;
          if (task !== run) return; // the delivery stopped this clock
        }
        this.schedule(undefined, Math.max(0, startedAt + (delivered + 1) * periodMs - scheduler.now()));
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
