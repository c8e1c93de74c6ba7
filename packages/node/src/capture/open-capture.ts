import { type AudioFormat, type DeviceFrame, DeviceLostError, InvalidArgumentError, resolveFormat } from '@micgate/core';
import { Observable } from 'rxjs';
import { loadBinding, type NativeCaptureStream } from './binding.js';
import { assertDeviceSelector, type DeviceSelector, findDevice } from './devices.js';
import { mapOpenError } from './errors.js';

export interface CaptureOptions {
  /** PortAudio index, id (`ALSA:pulse`), exact name or a unique part of a name; default the system default input. */
  device?: DeviceSelector;
  /** Suggested input latency in seconds; default the device's low-latency figure. */
  latency?: number;
  /** Audio the ring holds before dropping (seconds, default 1): how long JS may stall without losing input. */
  bufferSeconds?: number;
  /** Called on the JS thread when input was lost since the last report; totals since the capture opened. */
  onOverflow?: (loss: CaptureLoss) => void;
}

export interface CaptureLoss {
  /** Frames dropped because JS did not drain the ring in time. */
  framesLost: number;
  /** PortAudio callbacks flagged as input overflow (the host lost input before it reached us). */
  inputOverflows: number;
}

export interface CaptureStats extends CaptureLoss {
  /** Device streams open right now in this thread. */
  openStreams: number;
  /** Captures opened since the module loaded. */
  opened: number;
}

/** Refuse bad capture options, naming the field, before anything is opened. */
export function checkCaptureOptions(options: CaptureOptions): CaptureOptions {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', options, 'an object');
  const { device: selector, latency, bufferSeconds = 1, onOverflow } = options;
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
  return options;
}

const live = new Set<NativeCaptureStream>();
const closedTotals = { framesLost: 0, inputOverflows: 0, opened: 0 };

/**
 * Capture from a PortAudio input device. Subscribing opens the device; each subscription is its
 * own stream. Frames are exactly `framesPerBuffer` frames of interleaved float32; `time` is the
 * first frame's ADC time in seconds on CLOCK_MONOTONIC (the clock of `process.hrtime()`), so
 * `Number(process.hrtime.bigint()) / 1e9 - frame.time` is the delay from the converter to you.
 * Unsubscribing closes the device at once. A device that goes away errors the stream with
 * `DeviceLostError`; failures to open map to `DeviceNotFoundError`, `DeviceBusyError`, or
 * `InvalidArgumentError` for a format the device refuses.
 */
export function openCapture(format: AudioFormat, options: CaptureOptions = {}): Observable<DeviceFrame> {
  const { sampleRate, channels, framesPerBuffer } = resolveFormat(format);
  const { device: selector, latency, bufferSeconds = 1, onOverflow } = checkCaptureOptions(options);

  return new Observable<DeviceFrame>((subscriber) => {
    const binding = loadBinding();
    const device = findDevice(selector);
    if (channels > device.maxInputChannels) {
      throw new InvalidArgumentError('channels', channels, `at most ${device.maxInputChannels} for "${device.name}"`);
    }
    const ringFrames = Math.max(4 * framesPerBuffer, Math.ceil(bufferSeconds * sampleRate));
    let reportedLoss = 0;
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      const { framesLost, inputOverflows } = stream.stats();
      closedTotals.framesLost += framesLost;
      closedTotals.inputOverflows += inputOverflows;
      live.delete(stream);
      stream.close();
    };
    const stream = new binding.CaptureStream(
      { device: device.index, channels, sampleRate, framesPerBuffer, latency: latency ?? device.defaultLowInputLatency, ringFrames },
      (samples, time, framesLost) => {
        if (framesLost > reportedLoss && onOverflow) {
          reportedLoss = framesLost;
          try {
            onOverflow({ framesLost, inputOverflows: stream.stats().inputOverflows });
          } catch (error) {
            // An exception here would be fatal inside the addon's callback; the frames still go on.
            console.error('micgate: the onOverflow callback threw', error);
          }
        }
        subscriber.next({ samples, frames: framesPerBuffer, sampleRate, channels, time });
      },
      (_reason, message) => {
        close();
        subscriber.error(new DeviceLostError(`the input device "${device.name}" went away during capture (${message})`));
      },
    );
    try {
      stream.start();
    } catch (error) {
      stream.close();
      throw mapOpenError(error, device.name, { channels, sampleRate });
    }
    live.add(stream);
    closedTotals.opened += 1;
    return close;
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
  const openStreams = live.size === 0 ? 0 : loadBinding().openStreamCount();
  return { openStreams, opened: closedTotals.opened, framesLost, inputOverflows };
}

/** PortAudio's version text, e.g. for a diagnostics line. */
export function portAudioVersion(): string {
  return loadBinding().portAudioVersion();
}
