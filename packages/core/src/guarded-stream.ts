import { Observable, type Observer, type Subscription } from 'rxjs';

type NextHandler<T> = (value: T) => void;

/**
 * An Observable whose direct subscribers' exceptions go to `report` instead of RxJS's unhandled-error
 * path (a rethrow from a timer, which ends a Node process). One throwing observer then cannot stop
 * the stream for the others, nor crash the app (R13). Operator chains (`pipe`) subscribe with their
 * own Subscribers and keep RxJS's usual behaviour.
 */
export class GuardedStream<T> extends Observable<T> {
  constructor(
    private readonly stream: Observable<T>,
    private readonly report: (error: unknown) => void,
  ) {
    super((subscriber) => stream.subscribe(subscriber));
  }

  override subscribe(
    observerOrNext?: Partial<Observer<T>> | NextHandler<T> | null,
    error?: ((error: unknown) => void) | null,
    complete?: (() => void) | null,
  ): Subscription {
    if (isSubscriber(observerOrNext)) return this.stream.subscribe(observerOrNext);
    const observer: Partial<Observer<T>> =
      typeof observerOrNext === 'function' || observerOrNext == null
        ? {
            ...(observerOrNext ? { next: observerOrNext } : {}),
            ...(error ? { error } : {}),
            ...(complete ? { complete } : {}),
          }
        : observerOrNext;
    const guard =
      <A extends unknown[]>(handler: ((...args: A) => void) | undefined) =>
      (...args: A) => {
        try {
          handler?.apply(observer, args);
        } catch (thrown) {
          this.report(thrown);
        }
      };
    return this.stream.subscribe({
      next: guard(observer.next),
      // Without an error handler the error is the app's to see, as RxJS would report it.
      error: observer.error ? guard(observer.error) : (failure: unknown) => this.report(failure),
      complete: guard(observer.complete),
    });
  }
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
