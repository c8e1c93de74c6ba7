import { type SchedulerAction, type SchedulerLike, Subscription } from 'rxjs';

type Work<T> = (this: SchedulerAction<T>, state: T) => void;

/** What the clock's queue needs of an action, whatever its state type. */
interface QueuedAction {
  due: number;
  order: number;
  /** Whether it is in the clock's queue (a periodic task is taken out to run, then put back). */
  queued: boolean;
  run(): void;
  unsubscribe(): void;
}

/** One piece of scheduled work; rescheduling reuses it, so a periodic task holds one object. */
class VirtualAction<T> extends Subscription implements SchedulerAction<T>, QueuedAction {
  due = 0;
  order = 0;
  queued = false;
  constructor(
    private readonly clock: VirtualClock,
    private readonly work: Work<T>,
    private state: T,
  ) {
    super(() => clock.dequeue(this));
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.state = state as T;
    this.clock.enqueue(this, delay);
    return this;
  }

  run(): void {
    this.work.call(this, this.state);
  }
}

/**
 * An RxJS scheduler on virtual time: nothing happens until `advance()` moves the clock.
 * `advance` lets promises settle between due actions, so async code (prompts, requests)
 * interleaves with timers exactly as it would in real time, only in microseconds.
 */
export class VirtualClock implements SchedulerLike {
  private current = 0;
  private sequence = 0;
  private readonly queue: QueuedAction[] = [];

  now(): number {
    return this.current;
  }

  schedule<T>(work: Work<T>, delay = 0, state?: T): Subscription {
    return new VirtualAction<T>(this, work, state as T).schedule(state, delay);
  }

  /** Work still scheduled (0 after everything has been torn down). */
  get pending(): number {
    return this.queue.length;
  }

  /** Move time forward by `ms`, running everything due and letting promises settle in between. */
  async advance(ms: number): Promise<void> {
    const target = this.current + Math.max(0, ms);
    await settle();
    for (let next = this.queue[0]; next && next.due <= target; next = this.queue[0]) {
      this.current = Math.max(this.current, next.due);
      this.runDue();
      await settle();
    }
    this.current = target;
    await settle();
  }

  /** Move time forward synchronously (no promise settles meanwhile): for benchmarks of pure streams. */
  advanceSync(ms: number): void {
    const target = this.current + Math.max(0, ms);
    for (let next = this.queue[0]; next && next.due <= target; next = this.queue[0]) {
      this.current = Math.max(this.current, next.due);
      this.runDue();
    }
    this.current = target;
  }

  /** @internal */
  enqueue(action: QueuedAction, delay: number): void {
    this.dequeue(action);
    action.due = this.current + Math.max(0, delay);
    action.order = this.sequence++;
    const queue = this.queue;
    let index = queue.length;
    while (index > 0 && isLater(queue[index - 1]!, action)) index--;
    if (index === queue.length) queue.push(action);
    else queue.splice(index, 0, action);
    action.queued = true;
  }

  /** @internal */
  dequeue(action: QueuedAction): void {
    if (!action.queued) return;
    action.queued = false;
    const index = this.queue.indexOf(action);
    if (index >= 0) this.queue.splice(index, 1);
  }

  private runDue(): void {
    while (this.queue[0] && this.queue[0].due <= this.current) {
      const action = this.queue.shift()!;
      action.queued = false;
      try {
        action.run();
      } catch (error) {
        action.unsubscribe();
        throw error;
      }
    }
  }
}

function isLater(a: QueuedAction, b: QueuedAction): boolean {
  return a.due > b.due || (a.due === b.due && a.order > b.order);
}

/** Let queued promise callbacks run (a macrotask turn drains every microtask). */
function settle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
