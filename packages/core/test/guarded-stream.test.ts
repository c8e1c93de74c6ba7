import { config, map, Observable, Subject } from 'rxjs';
import { afterEach, expect, test } from 'vitest';
import { GuardedStream } from '../src/guarded-stream.js';

const previous = config.onUnhandledError;
afterEach(() => {
  config.onUnhandledError = previous;
});

test('a throwing direct observer is reported and the others go on', () => {
  const source = new Subject<number>();
  const reported: unknown[] = [];
  const stream = new GuardedStream(source, (error) => reported.push(error));
  const seen: number[] = [];
  stream.subscribe(() => {
    throw new Error('bug');
  });
  stream.subscribe((value) => seen.push(value));
  source.next(1);
  source.next(2);
  expect(seen).toEqual([1, 2]);
  expect(reported).toHaveLength(2);
});

test('an error with no handler goes to report, not to RxJS’s unhandled path', async () => {
  const unhandled: unknown[] = [];
  config.onUnhandledError = (error) => unhandled.push(error);
  const source = new Subject<number>();
  const reported: unknown[] = [];
  new GuardedStream(source, (error) => reported.push(error)).subscribe(() => {});
  source.error(new Error('device lost'));
  await new Promise((resolve) => setTimeout(resolve, 5));
  expect(reported).toEqual([expect.objectContaining({ message: 'device lost' })]);
  expect(unhandled).toEqual([]);
});

test('operator chains keep RxJS semantics: a throwing projection errors the chain', () => {
  const source = new Subject<number>();
  const errors: unknown[] = [];
  new GuardedStream(source, () => {})
    .pipe(
      map(() => {
        throw new Error('projection');
      }),
    )
    .subscribe({ error: (error) => errors.push(error) });
  source.next(1);
  expect(errors).toEqual([expect.objectContaining({ message: 'projection' })]);
});

test('unsubscribing a guarded subscription unsubscribes from the source', () => {
  const source = new Subject<number>();
  const subscription = new GuardedStream(source, () => {}).subscribe(() => {});
  expect(source.observed).toBe(true);
  subscription.unsubscribe();
  expect(source.observed).toBe(false);
});

test('complete() completes every subscriber, operator chains too, closes the source; a later subscriber opens it anew', () => {
  let opened = 0;
  let closed = 0;
  const values = new Subject<number>();
  const source = new Observable<number>((subscriber) => {
    opened += 1;
    const inner = values.subscribe(subscriber);
    return () => {
      closed += 1;
      inner.unsubscribe();
    };
  });
  const stream = new GuardedStream(source, () => {});
  const completed: string[] = [];
  const direct = stream.subscribe({ complete: () => completed.push('direct') });
  const chained = stream.pipe(map((value) => value * 2)).subscribe({ complete: () => completed.push('chained') });
  stream.complete();
  expect(completed).toEqual(['direct', 'chained']);
  expect([direct.closed, chained.closed]).toEqual([true, true]);
  expect(closed).toBe(1);
  expect(values.observed).toBe(false);
  const seen: number[] = [];
  stream.subscribe((value) => seen.push(value));
  values.next(1);
  expect([opened, seen]).toEqual([2, [1]]);
});
