import type { Observable, SchedulerLike, Subscription, Unsubscribable } from 'rxjs';
import { findDevice, isAvailable, resolveDevice } from './device-resolution.js';
import { asError, DeviceLostError, ErrorCode, MicgateError, UnsupportedFormatError } from './errors.js';
import type { DeviceSink } from './gate.js';
import { createPacedClock } from './paced-clock.js';
import type {
  AudioFormat,
  AudioInputDevice,
  CaptureRequest,
  DeviceFrame,
  RecordPermissionAdapter,
  SilenceReason,
} from './types.js';

/** How often a recording waiting for its device tries to reopen it when the adapter cannot report changes. */
export const DEVICE_RETRY_MS = 1_000;

export interface DeviceCaptureOptions {
  adapter: RecordPermissionAdapter;
  /** Paces the zeros while the device is gone, and the retries; the session's scheduler. */
  scheduler: SchedulerLike;
  /** The recording's `device` (an id or a name); undefined follows the system default. */
  selector: string | undefined;
  onDeviceLost: 'wait' | 'end';
  /** The session's shared device stream (used when the adapter has deviceChanges()). */
  devices$: Observable<readonly AudioInputDevice[]>;
}

export interface DeviceCapture {
  /**
   * The silence gate's device: the chosen input, resolved before it opens; in 'wait' mode, one that
   * survives loss. Its buffers go straight to `sink`; the result closes it.
   */
  open(format: AudioFormat, sink: DeviceSink): () => void;
  /** 'device-lost' while the device is gone, 'device-starting' once it is back until its first buffer (kept current: read per buffer). */
  readonly reason: SilenceReason | undefined;
}

type State = 'live' | 'lost' | 'starting';

const stateReason: Record<State, SilenceReason | undefined> = {
  live: undefined,
  lost: 'device-lost',
  starting: 'device-starting',
};

/**
 * One recording's device. In 'wait' mode a lost device (DeviceLostError, or its stream ending) does
 * not end the stream: placeholder buffers, paced like the device's, keep the gate's positions
 * running while `reason()` makes the gate deliver them as gated zeros; the device is reopened when
 * it is back (its id or name reappears, or, following the default, there is a default input again),
 * seen on deviceChanges() or, without it, tried every DEVICE_RETRY_MS. A reopened device that does
 * not deliver the asked rate and channel count ends the stream with UnsupportedFormatError.
 */
export function deviceCapture(options: DeviceCaptureOptions): DeviceCapture {
  const { adapter, scheduler, selector, onDeviceLost, devices$ } = options;
  const device: { reason: SilenceReason | undefined; open: DeviceCapture['open'] } = {
    reason: undefined,
    open: (format, sink) => {
      device.reason = undefined;
      const stop = run(format, sink, (next) => {
        device.reason = stateReason[next];
      });
      return () => {
        stop();
        device.reason = undefined;
      };
    },
  };
  return device;

  /** Opens the device for `sink`; the result closes it (also done by itself once it failed or ended). */
  function run(format: AudioFormat, sink: DeviceSink, setState: (state: State) => void): () => void {
    const { sampleRate, channels, framesPerBuffer } = format;
    const periodMs = (framesPerBuffer / sampleRate) * 1000;
    let ended = false;
    let attempt = 0; // the current open; a stale one's late answers are ignored
    let open: Unsubscribable | undefined;
    let watcher: Subscription | undefined;
    let retry: Subscription | undefined;
    let latest: readonly AudioInputDevice[] | undefined;
    let waiting = false;
    // One placeholder for every buffer while the device is gone: the gate reads only its time.
    const placeholder: DeviceFrame = {
      samples: new Float32Array(framesPerBuffer * channels),
      frames: framesPerBuffer,
      sampleRate,
      channels,
      time: 0,
    };
    const zeros = createPacedClock(scheduler, periodMs, (index, startedAt) => {
      placeholder.time = (startedAt + index * periodMs) / 1000;
      sink.frame(placeholder);
    });

    /** Closes everything this run opened; stale answers of earlier opens are ignored from now on. */
    const stop = () => {
      ended = true;
      attempt++;
      const device = open;
      open = undefined;
      device?.unsubscribe();
      watcher?.unsubscribe();
      retry?.unsubscribe();
      zeros.stop();
    };
    /** The last word to the sink, then closed (as an Observable's subscriber is after error or complete). */
    const finish = (tell: () => void) => {
      if (ended) return;
      ended = true;
      tell();
      stop();
      setState('live');
    };
    const fail = (error: unknown) => finish(() => sink.failed(asError(error)));

    /** Opens the device: `id` resolved already (or following the default), else resolved from `selector` now. */
    const connect = (reopen: boolean, id?: string) => {
      const mine = ++attempt;
      if (id !== undefined || selector === undefined) {
        subscribeDevice(reopen, mine, id);
        return;
      }
      resolveDevice(adapter, selector, devices$).then(
        (resolved) => {
          if (!ended && mine === attempt) subscribeDevice(reopen, mine, resolved);
        },
        (error: unknown) => {
          if (ended || mine !== attempt) return;
          if (reopen && isAbsent(error)) scheduleRetry();
          else fail(error);
        },
      );
    };

    const subscribeDevice = (reopen: boolean, mine: number, id: string | undefined) => {
      let first = true;
      let done = false;
      const lost = (error: Error, hadFrame: boolean) => {
        done = true;
        if (mine !== attempt || ended) return;
        open = undefined;
        const waitable = error instanceof MicgateError && error.code === ErrorCode.DeviceLost;
        if (onDeviceLost === 'end' || !(waitable || (reopen && !hadFrame && isAbsent(error)))) {
          fail(error);
          return;
        }
        if (!waiting) startWaiting();
        else scheduleRetry();
      };
      let stream: unknown;
      try {
        const request: CaptureRequest | undefined = id === undefined ? undefined : { device: id };
        stream = request === undefined ? adapter.capture(format) : adapter.capture(format, request);
        if (!isSubscribable(stream)) {
          throw new MicgateError(
            ErrorCode.Adapter,
            `the adapter's capture() gave ${describe(stream)}, not an Observable`,
          );
        }
        const subscription = stream.subscribe({
          next: (frame) => {
            if (done || ended || mine !== attempt) return;
            if (first) {
              first = false;
              if (reopen && (frame.sampleRate !== sampleRate || frame.channels !== channels)) {
                done = true;
                open?.unsubscribe();
                open = undefined;
                fail(
                  new UnsupportedFormatError(
                    `the reopened audio input delivers ${frame.sampleRate} Hz, ${frame.channels} channel(s); the recording asked for ${sampleRate} Hz, ${channels}`,
                  ),
                );
                return;
              }
              if (waiting) stopWaiting();
            }
            sink.frame(frame);
          },
          error: (error: unknown) => lost(asError(error), !first),
          complete: () => {
            if (onDeviceLost === 'end') {
              done = true;
              if (mine === attempt) finish(() => sink.ended());
              return;
            }
            lost(new DeviceLostError('the audio input stream ended during capture'), !first);
          },
        });
        if (typeof subscription?.unsubscribe !== 'function') {
          throw new MicgateError(ErrorCode.Adapter, "the adapter's capture() stream gave no subscription");
        }
        if (done) subscription.unsubscribe();
        else {
          open = subscription;
          if (waiting) setState('starting');
        }
      } catch (error) {
        if (!done) lost(asError(error), false);
      }
    };

    const startWaiting = () => {
      waiting = true;
      setState('lost');
      zeros.start();
      if (adapter.supports.deviceChanges) {
        watcher = devices$.subscribe({
          next: (inputs) => {
            latest = inputs;
            if (open !== undefined) return; // reopened already: its own stream says whether it works
            retry?.unsubscribe();
            retry = undefined;
            if (isAvailable(inputs, selector)) reopenFrom(inputs);
            else setState('lost');
          },
          // Without a working device stream, fall back to trying on a timer.
          error: () => {
            latest = undefined;
            watcher = undefined;
            scheduleRetry();
          },
        });
      } else scheduleRetry();
    };

    const stopWaiting = () => {
      waiting = false;
      setState('live');
      zeros.stop();
      watcher?.unsubscribe();
      watcher = undefined;
      retry?.unsubscribe();
      retry = undefined;
      latest = undefined;
    };

    const reopenFrom = (inputs: readonly AudioInputDevice[]) => {
      setState('starting');
      connect(true, selector === undefined ? undefined : findDevice(inputs, selector)?.id);
    };

    /** The next try in DEVICE_RETRY_MS: always without deviceChanges; with it, while the list says the device is there. */
    const scheduleRetry = () => {
      setState('lost');
      retry?.unsubscribe();
      retry = undefined;
      if (watcher !== undefined && !(latest !== undefined && isAvailable(latest, selector))) return;
      retry = scheduler.schedule(() => {
        retry = undefined;
        if (ended || !waiting || open !== undefined) return;
        if (latest === undefined) connect(true);
        else if (isAvailable(latest, selector)) reopenFrom(latest);
      }, DEVICE_RETRY_MS);
    };

    connect(false);
    return stop;
  }
}

/** Errors that mean "not there (yet)" while waiting for a device to come back. */
function isAbsent(error: unknown): boolean {
  return (
    error instanceof MicgateError &&
    (error.code === ErrorCode.DeviceNotFound ||
      error.code === ErrorCode.DeviceLost ||
      error.code === ErrorCode.DeviceBusy)
  );
}

function isSubscribable(value: unknown): value is {
  subscribe(observer: {
    next(frame: DeviceFrame): void;
    error(error: unknown): void;
    complete(): void;
  }): Unsubscribable;
} {
  return (
    typeof value === 'object' && value !== null && typeof (value as { subscribe?: unknown }).subscribe === 'function'
  );
}

function describe(value: unknown): string {
  return value === null ? 'null' : `a ${typeof value}`;
}
