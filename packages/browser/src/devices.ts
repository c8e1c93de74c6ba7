import type { AudioInputDevice } from '@micgate/core';

type EnumerateDevices = () => Promise<MediaDeviceInfo[]>;

/**
 * `devices()` for an adapter: the page's audio inputs from `enumerateDevices` (default
 * `navigator.mediaDevices.enumerateDevices`; labels appear once the page has held a stream), or
 * undefined where the page cannot list devices (then the adapter has no `devices`).
 */
export function createDeviceLister(
  enumerateDevices?: EnumerateDevices,
): (() => Promise<AudioInputDevice[]>) | undefined {
  const mediaDevices = globalThis.navigator?.mediaDevices as MediaDevices | undefined;
  const enumerate =
    enumerateDevices ?? (mediaDevices?.enumerateDevices ? () => mediaDevices.enumerateDevices() : undefined);
  if (!enumerate) return undefined;
  return async () => {
    const inputs = (await enumerate()).filter((device) => device.kind === 'audioinput');
    // Chromium lists the system default as its own entry, deviceId 'default'; others have none.
    const hasDefaultEntry = inputs.some((device) => device.deviceId === 'default');
    return inputs.map((device, index) => ({
      id: device.deviceId,
      name: device.label || `Microphone ${index + 1}`,
      isDefault: hasDefaultEntry ? device.deviceId === 'default' : index === 0,
    }));
  };
}
