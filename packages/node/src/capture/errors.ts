import { DeviceBusyError, DeviceNotFoundError, InvalidArgumentError, type MicgateError } from '@micgate/core';
import type { NativePortAudioError } from './binding.js';

// PortAudio's error codes (portaudio.h) that say something about the device.
const paInvalidChannelCount = -9998;
const paInvalidSampleRate = -9997;
const paInvalidDevice = -9996;
const paUnanticipatedHostError = -9999;
const paDeviceUnavailable = -9985;

// errno values ALSA (and its pulse plugin) pass up as host errors.
const ENOENT = 2;
const EIO = 5;
const EBUSY = 16;
const ENODEV = 19;
const ECONNREFUSED = 111;
const EAGAIN = 11;

/** Turn a PortAudio failure at open/start into the core's typed errors. */
export function mapOpenError(
  error: unknown,
  deviceName: string,
  value: { channels: number; sampleRate: number },
): MicgateError {
  if (!isPortAudioError(error)) {
    return new DeviceBusyError(`the input device "${deviceName}" could not be started: ${String(error)}`, {
      cause: error,
    });
  }
  const options = { cause: error };
  switch (error.paErrorCode) {
    case paInvalidDevice:
      return new DeviceNotFoundError(`the input device "${deviceName}" does not exist (any more)`, options);
    case paDeviceUnavailable:
      return new DeviceBusyError(`the input device "${deviceName}" is in use by another program`, options);
    case paInvalidChannelCount:
      return new InvalidArgumentError('channels', value.channels, `a channel count "${deviceName}" supports`);
    case paInvalidSampleRate:
      return new InvalidArgumentError('sampleRate', value.sampleRate, `a sample rate "${deviceName}" supports`);
    case paUnanticipatedHostError: {
      const errno = Math.abs(error.hostErrorCode);
      if (errno === EBUSY || errno === EAGAIN) {
        return new DeviceBusyError(
          `the input device "${deviceName}" is in use by another program (${error.hostErrorText})`,
          options,
        );
      }
      // EIO: the pulse plugin could not create its stream (no such source).
      if (errno === ENOENT || errno === EIO || errno === ENODEV || errno === ECONNREFUSED) {
        return new DeviceNotFoundError(
          `the input device "${deviceName}" is not available (${error.hostErrorText})`,
          options,
        );
      }
      return new DeviceBusyError(`the input device "${deviceName}" could not be started: ${error.message}`, options);
    }
    default:
      return new DeviceBusyError(`the input device "${deviceName}" could not be started: ${error.message}`, options);
  }
}

export function isPortAudioError(error: unknown): error is NativePortAudioError {
  return error instanceof Error && typeof (error as Partial<NativePortAudioError>).paErrorCode === 'number';
}
