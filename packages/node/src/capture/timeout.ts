import { DeviceBusyError } from '@micgate/core';

/** The default bound on one wait for the sound server (list, open, close), seconds. */
export const DEFAULT_TIMEOUT_SECONDS = 3;

/** What a user reads when the sound server does not answer. */
export function serverTimeoutError(what: string, seconds: number): DeviceBusyError {
  return new DeviceBusyError(
    `the sound server did not ${what} within ${seconds} s (is PulseAudio or PipeWire stopped or hung? \`pactl info\` answers when it runs)`,
  );
}

/**
 * `promise`, or a rejection with `onTimeout()` after `seconds`. The work behind `promise` goes on on
 * the addon's PortAudio thread; this only stops waiting for it. The timer keeps the process alive
 * while it waits, like any pending request, and is cleared when the promise settles.
 */
export function withTimeout<T>(promise: Promise<T>, seconds: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), seconds * 1000);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
