import type { DeviceFrame } from '@micgate/core';
import { firstValueFrom, map, type Observable, take, toArray } from 'rxjs';

/**
 * Collect `count` frames, with a bound so a stalled device fails the test instead of hanging it.
 * Each frame's samples are copied: the stream reuses its buffer (valid only during delivery).
 */
export function collect(frames$: Observable<DeviceFrame>, count: number, timeoutMs = 10_000): Promise<DeviceFrame[]> {
  return Promise.race([
    firstValueFrom(
      frames$.pipe(
        take(count),
        map((frame) => ({ ...frame, samples: frame.samples.slice() })),
        toArray(),
      ),
    ),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no ${count} frames within ${timeoutMs} ms`)), timeoutMs).unref(),
    ),
  ]);
}

export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
