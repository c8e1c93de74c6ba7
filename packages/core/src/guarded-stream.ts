import { Observable, type Observer, Subscription } from 'rxjs';

type NextHandler<T> = (value: T) => void;

/** One subscriber: its handlers, read once when it subscribed. */
interface Listener<T> {
  closed: boolean;
  /** What subscribe() returned: closed once the stream has ended for this subscriber, as RxJS's are. */
  subscription?: Subscription;
  next(value: T): void;
  error(error: unknown): void;
  complete(): void;
}

/**
 * One subscription to `stream`, shared by every subscriber (as RxJS's `share()`: opened by the
 * first, closed when the last leaves, opened anew after an error or completion), whose direct
 * subscribers' exceptions go to `report` instead of RxJS's unhandled-error path (a rethrow from a
 * timer, which ends a Node process). One throwing observer then cannot stop the stream for the
 * others, nor crash the app (R13). Operator chains (`pipe`) subscribe with their own Subscribers
 * and keep RxJS's usual behaviour. `prepare` runs before each delivery to each subscriber.
 *
 * Hand-written rather than `share()` plus a wrapper per subscriber: this is the frame path, and
 * every layer of Subscribers costs a few calls per buffer per subscriber.
 */
export class GuardedStream<T> extends Observable<T> {
  private listeners: readonly Listener<T>[] = [];
  private connection: Subscription | undefined;

  constructor(
    private readonly stream: Observable<T>,
    private readonly report: (error: unknown) => void,
    private readonly prepare: (value: T) => T = (value) => value,
  ) {
    super();
  }

  override subscribe(
    observerOrNext?: Partial<Observer<T>> | NextHandler<T> | null,
    error?: ((error: unknown) => void) | null,
    complete?: (() => void) | null,
  ): Subscription {
    const listener = isSubscriber(observerOrNext)
      ? subscriberListener(observerOrNext)
      : this.guardedListener(
          typeof observerOrNext === 'function' || observerOrNext == null
            ? {
                ...(observerOrNext ? { next: observerOrNext } : {}),
                ...(error ? { error } : {}),
                ...(complete ? { complete } : {}),
              }
            : observerOrNext,
        );
    const subscription = new Subscription(() => this.remove(listener));
    listener.subscription = subscription;
    if (isSubscriber(observerOrNext)) observerOrNext.add(subscription);
    // Copy on write: a delivery in progress keeps the list it started with.
    this.listeners = [...this.listeners, listener];
    if (!this.connection) this.connect();
    return subscription;
  }

  /**
   * Completes every subscriber and closes the stream (as `takeUntil` would, without its layer per
   * value). A later subscriber opens it anew.
   */
  complete(): void {
    const connection = this.connection;
    if (!connection) return;
    for (const listener of this.end(connection)) {
      listener.complete();
      listener.subscription?.unsubscribe();
    }
    connection.unsubscribe();
  }

  private connect(): void {
    const connection = new Subscription();
    this.connection = connection;
    const opened = this.stream.subscribe({
      next: (value) => {
        const listeners = this.listeners;
        for (let i = 0; i < listeners.length; i++) {
          const listener = listeners[i]!;
          if (!listener.closed) listener.next(this.prepare(value));
        }
      },
      error: (failure: unknown) => {
        for (const listener of this.end(connection)) {
          listener.error(failure);
          listener.subscription?.unsubscribe();
        }
      },
      complete: () => {
        for (const listener of this.end(connection)) {
          listener.complete();
          listener.subscription?.unsubscribe();
        }
      },
    });
    // The stream may have ended (or the last subscriber left) while it was being opened.
    if (this.connection === connection) connection.add(opened);
    else opened.unsubscribe();
  }

  /** The listeners an ended stream still owes its last notification; the next subscriber opens it anew. */
  private end(connection: Subscription): Listener<T>[] {
    if (this.connection !== connection) return [];
    this.connection = undefined;
    const listeners = this.listeners.filter((listener) => !listener.closed);
    this.listeners = [];
    for (const listener of listeners) listener.closed = true;
    return listeners;
  }

  private remove(listener: Listener<T>): void {
    if (listener.closed && !this.listeners.includes(listener)) return;
    listener.closed = true;
    this.listeners = this.listeners.filter((other) => other !== listener);
    if (this.listeners.length > 0 || !this.connection) return;
    const connection = this.connection;
    this.connection = undefined;
    connection.unsubscribe();
  }

  private guardedListener(observer: Partial<Observer<T>>): Listener<T> {
    const { next, error, complete } = observer;
    const report = this.report;
    return {
      closed: false,
      next(value) {
        try {
          next?.call(observer, value);
        } catch (thrown) {
          report(thrown);
        }
      },
      // Without an error handler the error is the app's to see, as RxJS would report it.
      error(failure) {
        if (!error) return report(failure);
        try {
          error.call(observer, failure);
        } catch (thrown) {
          report(thrown);
        }
      },
      complete() {
        try {
          complete?.call(observer);
        } catch (thrown) {
          report(thrown);
        }
      },
    };
  }
}

/** An operator's Subscriber: it handles its observer's exceptions itself. */
function subscriberListener<T>(subscriber: Observer<T>): Listener<T> {
  return {
    closed: false,
    next: (value) => subscriber.next(value),
    error: (failure) => subscriber.error(failure),
    complete: () => subscriber.complete(),
  };
}

/** RxJS's own test: an operator's Subscriber handles its observer's exceptions itself. */
function isSubscriber<T>(value: unknown): value is Observer<T> & Subscription {
  const candidate = value as Partial<Observer<T> & Subscription> | null | undefined;
  return (
    candidate != null &&
    typeof candidate.next === 'function' &&
    typeof candidate.error === 'function' &&
    typeof candidate.complete === 'function' &&
    typeof candidate.unsubscribe === 'function' &&
    typeof candidate.add === 'function'
  );
}
