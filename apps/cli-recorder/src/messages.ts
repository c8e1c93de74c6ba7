import type { AudioInputDevice } from '@micgate/core';

/** What to do on a machine where PortAudio sees no input at all. */
export function noInputDeviceMessage(): string {
  return `No audio input device was found, so there is nothing to record from.
PortAudio reaches microphones through ALSA (and PulseAudio or PipeWire): check that one is
plugged in and that the sound server is running (\`pactl info\`; PULSE_SERVER if it is not the default).
No microphone on this machine? Try micgate's virtual microphone, a PulseAudio sine source, from
the micgate repository:
  eval "$(node tooling/audio-rig/cli.js start)"   # a 440 Hz sine; sets PULSE_SERVER in this shell
  micgate-record out.wav --seconds 3
  node tooling/audio-rig/cli.js stop
or record from the synthetic device of @micgate/mock in code.
`;
}

export function deviceListing(devices: readonly AudioInputDevice[]): string {
  if (devices.length === 0) return 'PortAudio lists no input devices.\n';
  const lines = devices.map((device) => `  ${device.id}  ${device.name}${device.isDefault ? '  (default)' : ''}`);
  return `Input devices (use --device with an index or part of a name):\n${lines.join('\n')}\n`;
}

export function deniedMessage(appId: string, output: string, seconds: number): string {
  return `Microphone access for “${appId}” is denied, so ${output} will hold ${formatSeconds(seconds)} of silence (every sample is 0).
To allow it:  micgate grant ${appId}    (then run this again; \`micgate reset ${appId}\` asks again instead)
`;
}

export function dismissedMessage(appId: string): string {
  return `The question was closed without an answer, so nothing was recorded and no file was written.
micgate-record will ask again next time; or decide now with \`micgate grant ${appId}\` or \`micgate deny ${appId}\`.
`;
}

export function promptUnavailableMessage(appId: string): string {
  return `micgate-record has not been allowed to use the microphone yet, and cannot ask: there is no
terminal to ask on (stdin and stderr must be a terminal). Decide first, then run it again:
  micgate grant ${appId}     (record from the microphone)
  micgate deny ${appId}      (record silence)
`;
}

export function formatSeconds(seconds: number): string {
  return `${Number(seconds.toFixed(2))} s`;
}
