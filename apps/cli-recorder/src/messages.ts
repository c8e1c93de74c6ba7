import type { AudioInputDevice } from '@micgate/core';
import { MicgateError } from '@micgate/core';
import type { Advice } from './advice.js';
import type { OutputProblem } from './output-path.js';
import type { WayBack } from './way-back.js';

/** What to do on a machine where PortAudio sees no input at all. */
export function noInputDeviceMessage(): string {
  return `No audio input device was found, so there is nothing to record from.
PortAudio reaches microphones through ALSA, and PulseAudio or PipeWire: check that one is
plugged in and that the sound server is running: \`pactl info\`, and PULSE_SERVER if it is not the default.
No microphone on this machine? Try micgate's virtual microphone, a PulseAudio sine source, from
the micgate repository:
  eval "$(node tooling/audio-rig/cli.js start)"   # a 440 Hz sine; sets PULSE_SERVER in this shell
  micgate-record out.wav --seconds 3
  node tooling/audio-rig/cli.js stop
or record from the synthetic device of @micgate/mock in code.
`;
}

export function deviceListing(devices: readonly AudioInputDevice[]): string {
  if (devices.length === 0) return 'There are no input devices.\n';
  const lines = devices.map(
    (device) => `  ${device.id}  ${device.name ?? '(name hidden)'}${device.isDefault ? '  [default]' : ''}`,
  );
  return `Input devices; use --device with an id or a name:\n${lines.join('\n')}\n`;
}

export function deniedMessage(appId: string, output: string, seconds: number, way: WayBack): string {
  return `Microphone access for “${appId}” is denied, so ${output} will hold ${formatSeconds(seconds)} of silence: every sample is 0.
${way.live ? 'To allow it, even during this take, run:' : 'To allow it, run this, then this again:'}
  ${way.command}
`;
}

export function dismissedMessage(appId: string, advice: Advice): string {
  return `The question was closed without an answer, so nothing was recorded and no file was written.
micgate-record will ask again next time; or decide now with \`${advice('grant', appId)}\` or \`${advice('deny', appId)}\`.
`;
}

export function promptUnavailableMessage(appId: string, advice: Advice): string {
  return `micgate-record has not been allowed to use the microphone yet, and cannot ask: there is no
terminal to ask on; stdin and stderr must be a terminal. Decide first, then run it again:
  ${advice('grant', appId)}     to record from the microphone
  ${advice('deny', appId)}      to record silence
`;
}

export function outputProblemMessage(path: string, problem: OutputProblem): string {
  switch (problem) {
    case 'exists':
      return `${path} already exists; add --force to replace it, or name another file.`;
    case 'directory':
      return `${path} is a folder; name a file in it, e.g. ${path.replace(/\/+$/, '')}/take.wav.`;
    case 'no-folder':
      return `the folder for ${path} does not exist; create it first or name a file in an existing folder.`;
    case 'not-writable':
      return `${path} cannot be written here: no write permission.`;
  }
}

export function notWavWarning(path: string): string {
  return `Warning: ${path} does not end in .wav; it will hold WAV audio all the same.\n`;
}

/** An error in one line, never nesting parentheses: the message, then the stable code. */
export function describeError(error: unknown): string {
  if (error instanceof MicgateError) return `${error.message} [${error.code}]`;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function formatSeconds(seconds: number): string {
  return `${Number(seconds.toFixed(2))} s`;
}
