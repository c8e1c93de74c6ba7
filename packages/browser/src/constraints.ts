import type { AudioFormat } from '@micgate/core';

/** Raw capture: what the microphone hears, not what a call would want. */
export const RAW_AUDIO_CONSTRAINTS: Readonly<MediaTrackConstraints> = Object.freeze({
  echoCancellation: false,
  noiseSuppression: false,
  autoGainControl: false,
});

export interface ConstraintOptions {
  /** Record from this input (`MediaDeviceInfo.deviceId`) instead of the default one. */
  device?: string | undefined;
  /** Merged over the raw defaults, e.g. `{ echoCancellation: true }` for a call. */
  audioConstraints?: MediaTrackConstraints | undefined;
}

/** The `audio` constraints of a getUserMedia call: raw, the format as an ideal, the device exact. */
export function audioConstraints(options: ConstraintOptions, format?: AudioFormat): MediaTrackConstraints {
  return {
    ...RAW_AUDIO_CONSTRAINTS,
    ...(format ? { channelCount: { ideal: format.channels }, sampleRate: { ideal: format.sampleRate } } : {}),
    ...(options.device === undefined ? {} : { deviceId: { exact: options.device } }),
    ...options.audioConstraints,
  };
}
