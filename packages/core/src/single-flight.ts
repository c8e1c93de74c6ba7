/**
 * One in-flight call shared by every caller: while a call is pending, calling again returns the
 * same promise (later callers' arguments are not used); once it settles, the next call starts anew.
 * What micgate uses so that one prompt is open at a time and every waiter gets its answer.
 */
export function singleFlight<A extends unknown[], T>(
  fn: (...args: A) => PromiseLike<T> | T,
): (...args: A) => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return (...args: A) => {
    if (inFlight) return inFlight;
    const call: Promise<T> = new Promise<T>((resolve) => resolve(fn(...args))).finally(() => {
      if (inFlight === call) inFlight = undefined;
    });
    inFlight = call;
    return call;
  };
}
