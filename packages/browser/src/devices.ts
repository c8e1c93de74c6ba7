import type { AudioInputDevice } from '@micgate/core';

/** The page's audio inputs from `enumerateDevices` (labels appear once the page has held a stream). */
export async function listAudioInputs(enumerateDevices: () => Promise<MediaDeviceInfo[]>): Promise<AudioInputDevice[]> {
  const inputs = (await enumerateDevices()).filter((device) => device.kind === 'audioinput');
  // Chromium lists the system default as its own entry, deviceId 'default'; others have none.
  const hasDefaultEntry = inputs.some((device) => device.deviceId === 'default');
  return inputs.map((device, index) => ({
    id: device.deviceId,
    name: device.label || `Microphone ${index + 1}`,
    isDefault: hasDefaultEntry ? device.deviceId === 'default' : index === 0,
  }));
}

/** `navigator.mediaDevices.enumerateDevices`, where the page has it. */
export function defaultEnumerateDevices(): (() => Promise<MediaDeviceInfo[]>) | undefined {
  const mediaDevices = globalThis.navigator?.mediaDevices as MediaDevices | undefined;
  return mediaDevices?.enumerateDevices ? () => mediaDevices.enumerateDevices() : undefined;
}
