import { defer, from, type Observable, of, shareReplay } from 'rxjs';
import { ErrorCode, MicgateError } from './errors.js';
import type { AudioInputDevice, RecordPermissionAdapter } from './types.js';

/**
 * The adapter's inputs as one stream: deviceChanges() shared (the last list replayed to a late
 * subscriber, the watcher stopped with the last one gone) where the adapter has it; else devices()
 * once, then complete; else an empty list, then complete.
 */
export function deviceList(adapter: RecordPermissionAdapter): Observable<readonly AudioInputDevice[]> {
  if (adapter.supports.deviceChanges) {
    return defer(() => {
      const stream: unknown = adapter.deviceChanges?.();
      if (typeof (stream as Partial<Observable<unknown>> | null)?.subscribe !== 'function') {
        throw new MicgateError(ErrorCode.Adapter, "the adapter's deviceChanges() gave no Observable");
      }
      return stream as Observable<readonly AudioInputDevice[]>;
    }).pipe(shareReplay({ bufferSize: 1, refCount: true }));
  }
  if (adapter.supports.devices) {
    return defer(() => from(adapter.devices!() as Promise<readonly AudioInputDevice[]>));
  }
  return of([]);
}
