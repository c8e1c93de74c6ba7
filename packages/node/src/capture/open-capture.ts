import {
  type AudioFormat,
  type DeviceFrame,
  DeviceLostError,
  InvalidArgumentError,
  MicgateError,
  resolveFormat,
} from '@micgate/core';
import { Observable, type Subscription } from 'rxjs';
import { loadBinding, type NativeCaptureStream, type NativeStreamStats } from './binding.js';
import { assertDeviceSelector, type DeviceSelector, findDevice } from './devices.js';
import { inputDeviceChanges } from './device-changes.js';
import { mapOpenError } from './errors.js';
import { takeOfferedScan } from './scan-ahead.js';
import { DEFAULT_TIMEOUT_SECONDS, serverTimeoutError, withTimeout } from './timeout.js';

export interface CaptureOptions {
  /** PortAudio index, id (`ALSA:pulse`), exact name or a unique part of a name; default the system default input. */
  device?: DeviceSelector;
  /** Suggested input latency in seconds; default the device's low-latency figure. */
  latency?: number;
  /** Audio the ring holds before dropping (seconds, default 1): how long JS may stall without losing input. */
  bufferSeconds?: number;
  /** Called on the JS thread when input was lost since the last report; totals since the capture opened. */
  onOverflow?: (loss: CaptureLoss) => void;
  /**
   * How long to wait for the sound server (seconds, default 3): to list and open the device (then the
   * capture errors with `DeviceBusyError`), to deliver audio once open (then `DeviceLostError`;
   * allowed twice this long for the first buffer), and to close it (then `onError`).
   */
  timeoutSeconds?: number;
  /** Errors nobody can catch: a close the sound server did not finish in time, an `onOverflow` that threw. */
  onError?: (error: unknown) => void;
}

export interface CaptureLoss {
  /** Frames dropped because JS did not drain the ring in time. */
  framesLost: number;
  /** PortAudio callbacks flagged as input overflow (the host lost input before it reached us). */
  inputOverflows: number;
}

export interface CaptureStats extends CaptureLoss {
  /** Device streams open right now in this thread, counting those whose close is still running. */
  openStreams: number;
  /** Captures opened since the module loaded. */
  opened: number;
}

/** Refuse bad capture options, naming the field, before anything is opened. */
export function checkCaptureOptions(options: CaptureOptions): CaptureOptions {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', options, 'an object');
  const {
    device: selector,
    latency,
    bufferSeconds = 1,
    onOverflow,
    timeoutSeconds = DEFAULT_TIMEOUT_SECONDS,
    onError,
  } = options;
  assertDeviceSelector(selector);
  if (latency !== undefined && !(typeof latency === 'number' && latency > 0 && latency <= 2)) {
    throw new InvalidArgumentError('latency', latency, 'seconds, above 0 and at most 2');
  }
  if (!(typeof bufferSeconds === 'number' && bufferSeconds >= 0.05 && bufferSeconds <= 60)) {
    throw new InvalidArgumentError('bufferSeconds', bufferSeconds, 'seconds from 0.05 to 60');
  }
  if (onOverflow !== undefined && typeof onOverflow !== 'function') {
    throw new InvalidArgumentError('onOverflow', onOverflow, 'a function');
  }
  if (!(typeof timeoutSeconds === 'number' && timeoutSeconds >= 0.1 && timeoutSeconds <= 600)) {
    throw new InvalidArgumentError('timeoutSeconds', timeoutSeconds, 'seconds from 0.1 to 600');
  }
  if (onError !== undefined && typeof onError !== 'function') {
    throw new InvalidArgumentError('onError', onError, 'a function');
  }
  return options;
}

const live = new Set<NativeCaptureStream>();
const closedTotals = { framesLost: 0, inputOverflows: 0, opened: 0 };

/**
 * Capture from a PortAudio input device. Subscribing opens the device; each subscription is its
 * own stream. Frames are exactly `framesPerBuffer` frames of interleaved float32, in one buffer the
 * stream reuses: `samples` are valid while the frame is delivered, copy them to keep them. `time` is the
 * first frame's ADC time in seconds on CLOCK_MONOTONIC (the clock of `process.hrtime()`), so
 * `Number(process.hrtime.bigint()) / 1e9 - frame.time` is the delay from the converter to you.
 * Unsubscribing stops delivery at once and closes the device on the addon's PortAudio thread.
 * The JS thread never waits for the sound server: opening, starting and closing run on that thread,
 * each bounded by `timeoutSeconds`. A device that goes away, or a sound server that stops delivering,
 * errors the stream with `DeviceLostError`; failures to open map to `DeviceNotFoundError`,
 * `DeviceBusyError` (also: the sound server did not answer in time), or `InvalidArgumentError`
 * for a format the device refuses.
 */
export function openCapture(format: AudioFormat, options: CaptureOptions = {}): Observable<DeviceFrame> {
  const { sampleRate, channels, framesPerBuffer } = resolveFormat(format);
  const {
    device: selector,
    latency,
    bufferSeconds = 1,
    onOverflow,
    timeoutSeconds = DEFAULT_TIMEOUT_SECONDS,
    onError,
  } = checkCaptureOptions(options);
  const report = (error: unknown) => {
    try {
      onError?.(error);
    } catch {
      // onError is the last resort: nothing is left to tell.
    }
  };

  return new Observable<DeviceFrame>((subscriber) => {
    const binding = loadBinding();
    let stream: NativeCaptureStream | undefined;
    let closed = false;
    let watchdog: NodeJS.Timeout | undefined;
    let lossWatch: Subscription | undefined;

    const release = () => {
      if (closed) return;
      closed = true;
      clearInterval(watchdog);
      lossWatch?.unsubscribe();
      if (!stream) return;
      const { framesLost, inputOverflows } = stream.stats();
      closedTotals.framesLost += framesLost;
      closedTotals.inputOverflows += inputOverflows;
      live.delete(stream);
      withTimeout(stream.close(), timeoutSeconds, () =>
        serverTimeoutError('close the input device', timeoutSeconds),
      ).catch(report);
    };
    const fail = (error: unknown) => {
      if (closed) return;
      release();
      subscriber.error(error);
    };

    let deviceName = selector === undefined ? 'default' : String(selector);
    const open = async () => {
      const entry = await findDevice(selector, timeoutSeconds, takeOfferedScan(timeoutSeconds));
      const { device } = entry;
      deviceName = device.name ?? device.id;
      if (closed) return;
      if (channels > entry.maxInputChannels) {
        throw new InvalidArgumentError('channels', channels, `at most ${entry.maxInputChannels} for "${deviceName}"`);
      }
      const ringFrames = Math.max(4 * framesPerBuffer, Math.ceil(bufferSeconds * sampleRate));
      let reportedLoss = 0;
      // The sound server says at once when a source goes away (the stream itself may only stall).
      // Watching starts `pactl subscribe` and a scan: spawning them holds the JS thread ~5–10 ms
      // each, so they start once the first buffer is delivered, not while it is on its way.
      let watchPending = entry.watched;
      const watchRemoval = () => {
        if (closed) return;
        lossWatch = watchForRemoval(device.id, () =>
          fail(
            new DeviceLostError(
              `the input device "${deviceName}" went away during capture (the sound server removed it)`,
            ),
          ),
        );
      };
      const opened = new binding.CaptureStream(
        {
          device: entry.open.index,
          ...(entry.open.deviceString === undefined ? {} : { deviceString: entry.open.deviceString }),
          channels,
          sampleRate,
          framesPerBuffer,
          latency: latency ?? entry.defaultLowInputLatency,
          ringFrames,
        },
        (samples, time, framesLost) => {
          if (watchPending) {
            watchPending = false;
            setImmediate(watchRemoval);
          }
          if (framesLost > reportedLoss && onOverflow) {
            reportedLoss = framesLost;
            try {
              onOverflow({ framesLost, inputOverflows: opened.stats().inputOverflows });
            } catch (error) {
              // An exception here would be fatal inside the addon's callback; the frames still go on.
              report(error);
            }
          }
          subscriber.next({ samples, frames: framesPerBuffer, sampleRate, channels, time });
        },
        (_reason, message) =>
          fail(new DeviceLostError(`the input device "${deviceName}" went away during capture (${message})`)),
      );
      stream = opened;
      live.add(opened);
      closedTotals.opened += 1;
      await withTimeout(opened.start(), timeoutSeconds, () =>
        serverTimeoutError(`open "${device.name}"`, timeoutSeconds),
      );
      if (closed) return;
      // A sound server that stops answering (SIGSTOP, a hang) sends no error: notice that PortAudio's
      // callbacks stopped. (Their count, not the frames JS received: a blocked JS thread is no stall.)
      let callbacks = 0;
      let progressAt = performance.now();
      const check = () => {
        const now = performance.now();
        const seen = opened.stats().callbacks;
        if (seen !== callbacks) {
          callbacks = seen;
          progressAt = now;
          return;
        }
        if (now - progressAt > (seen === 0 ? 2 : 1) * timeoutSeconds * 1000) {
          fail(
            new DeviceLostError(
              `the input device "${device.name}" delivered no audio for ${((now - progressAt) / 1000).toFixed(1)} s (is PulseAudio or PipeWire stopped or hung?)`,
            ),
          );
        }
      };
      watchdog = setInterval(check, Math.min(500, timeoutSeconds * 250));
      watchdog.unref();
    };
    open().catch((error: unknown) =>
      fail(error instanceof MicgateError ? error : mapOpenError(error, deviceName, { channels, sampleRate })),
    );
    return release;
  });
}

/** Call `onGone` once the device stream, having listed `id`, lists it no more. */
function watchForRemoval(id: string, onGone: () => void): Subscription {
  let seen = false;
  return inputDeviceChanges().subscribe((devices) => {
    const present = devices.some((device) => device.id === id);
    if (present) seen = true;
    else if (seen) onGone();
  });
}

/** Open device streams and losses so far, in this thread: what tests check for "the device is closed". */
export function captureStats(): CaptureStats {
  let framesLost = closedTotals.framesLost;
  let inputOverflows = closedTotals.inputOverflows;
  for (const stream of live) {
    const stats = stream.stats();
    framesLost += stats.framesLost;
    inputOverflows += stats.inputOverflows;
  }
  const openStreams = closedTotals.opened === 0 ? 0 : loadBinding().openStreamCount();
  return { openStreams, opened: closedTotals.opened, framesLost, inputOverflows };
}

/** The addon's own figures for each open capture (benchmarks: wakes, first callback). */
export function liveStreamStats(): NativeStreamStats[] {
  return [...live].map((stream) => stream.stats());
}

/** PortAudio's version text, e.g. for a diagnostics line. */
export function portAudioVersion(): string {
  return loadBinding().portAudioVersion();
}
