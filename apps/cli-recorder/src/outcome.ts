import type { AudioInputDevice, RecordPermission } from '@micgate/core';
import type { Advice } from './advice.js';
import {
  describeError,
  deviceListing,
  dismissedMessage,
  formatSeconds,
  noInputDeviceMessage,
  outputProblemMessage,
  promptUnavailableMessage,
} from './messages.js';
import { formatDb } from './meter.js';
import type { OutputProblem } from './output-path.js';

export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  device: 3,
  notAllowed: 4,
  cannotAsk: 5,
  interrupted: 130,
} as const;

/** Start-up silence shorter than this is the device opening, not worth a line. */
const STARTUP_SILENCE_WORTH_SAYING_S = 0.25;

export interface TakeSummary {
  output: string;
  appId: string;
  sampleRate: number;
  channels: number;
  /** Frames in the file. */
  frames: number;
  /** Frames that came from the microphone. */
  deviceFrames: number;
  /** Silence while access was granted but before the microphone's first buffer. */
  startupFrames: number;
  /** Silence while access was not granted (denied, or turned off during the take). */
  accessOffFrames: number;
  /** Silence while the input device was gone (unplugged), waiting for it to come back. */
  deviceLostFrames: number;
  /** Loudest sample from the microphone, 0…1. */
  peak: number;
  /** Input lost because the program fell behind. */
  lostFrames: number;
  overflows: number;
}

export type Ending =
  | { kind: 'done' }
  | { kind: 'interrupted' }
  /** The device could not be opened or found; `fileKept` false when nothing of it was recorded. */
  | { kind: 'device-unavailable'; error: unknown; devices?: readonly AudioInputDevice[]; fileKept: boolean }
  | { kind: 'device-lost'; error: unknown }
  | { kind: 'write-failed'; error: unknown }
  | { kind: 'failed'; error: unknown };

export type Outcome =
  | { kind: 'help'; usage: string }
  | { kind: 'usage'; message: string }
  | { kind: 'output-refused'; path: string; problem: OutputProblem }
  | { kind: 'cannot-ask'; appId: string }
  | { kind: 'dismissed'; appId: string }
  | { kind: 'no-input-device' }
  | { kind: 'devices'; devices: readonly AudioInputDevice[] }
  /** `--device` names no input: found out before the file is created or the device opened. */
  | { kind: 'device-not-found'; error: unknown; devices: readonly AudioInputDevice[] }
  | { kind: 'failed'; error: unknown }
  | { kind: 'recorded'; take: TakeSummary; ending: Ending; permission: RecordPermission };

export interface Report {
  stdout: string;
  stderr: string;
  status: number;
}

const err = (stderr: string, status: number): Report => ({ stdout: '', stderr, status });

/** What micgate-record prints at the end, and its exit status: a pure function of what happened. */
export function reportOutcome(outcome: Outcome, advice: Advice): Report {
  switch (outcome.kind) {
    case 'help':
      return { stdout: outcome.usage, stderr: '', status: EXIT.ok };
    case 'usage':
      return err(`micgate-record: ${outcome.message}\nRun \`micgate-record --help\` for usage.\n`, EXIT.usage);
    case 'output-refused':
      return err(`micgate-record: ${outputProblemMessage(outcome.path, outcome.problem)}\n`, EXIT.usage);
    case 'cannot-ask':
      return err(promptUnavailableMessage(outcome.appId, advice), EXIT.cannotAsk);
    case 'dismissed':
      return err(dismissedMessage(outcome.appId, advice), EXIT.notAllowed);
    case 'no-input-device':
      return err(noInputDeviceMessage(), EXIT.device);
    case 'device-not-found':
      return err(
        `micgate-record: ${describeError(outcome.error)}\n${deviceListing(outcome.devices)}No file was written.\n`,
        EXIT.device,
      );
    case 'devices':
      if (outcome.devices.length === 0) return err(noInputDeviceMessage(), EXIT.device);
      return { stdout: deviceListing(outcome.devices), stderr: '', status: EXIT.ok };
    case 'failed':
      return err(`micgate-record: ${describeError(outcome.error)}\n`, EXIT.failed);
    case 'recorded':
      return recorded(outcome.take, outcome.ending, outcome.permission, advice);
  }
}

function recorded(take: TakeSummary, ending: Ending, permission: RecordPermission, advice: Advice): Report {
  const lines: string[] = [];
  if (take.lostFrames > 0 || take.overflows > 0) {
    lines.push(
      `Warning: ${formatSeconds(take.lostFrames / take.sampleRate)} of input, ${take.lostFrames} frames, was lost because the program fell behind; the device reported ${take.overflows} overflow${take.overflows === 1 ? '' : 's'}.`,
    );
  }
  const recordedFor = formatSeconds(take.frames / take.sampleRate);
  const summary = `${take.output}: ${recordedFor} at ${take.sampleRate} Hz, ${take.channels} channel${take.channels === 1 ? '' : 's'}, 16-bit PCM`;
  const saved = `Saved what was recorded: ${summary}.`;
  const out = (status: number) => err(`${lines.join('\n')}\n`, status);

  switch (ending.kind) {
    case 'device-unavailable':
      lines.push(`micgate-record: ${describeError(ending.error)}`);
      if (ending.devices) lines.push(deviceListing(ending.devices).trimEnd());
      lines.push(ending.fileKept ? saved : 'No file was written.');
      return out(EXIT.device);
    case 'device-lost':
      lines.push(
        `micgate-record: the input device went away after ${recordedFor}: ${describeError(ending.error)}`,
        saved,
      );
      return out(EXIT.device);
    case 'write-failed':
      lines.push(
        `micgate-record: could not write ${take.output}: ${describeError(ending.error)}`,
        `${saved} The file is complete up to there.`,
      );
      return out(EXIT.failed);
    case 'failed':
      lines.push(`micgate-record: ${describeError(ending.error)}`, saved);
      return out(EXIT.failed);
    case 'interrupted':
      lines.push(`Stopped after ${recordedFor}. Saved ${summary}, a complete WAV file.`);
      return out(EXIT.interrupted);
    case 'done':
      break;
  }
  if (take.deviceFrames === 0) {
    lines.push(
      `Saved ${summary}: all silence, because “${take.appId}” may not use the microphone.`,
      `To record sound, run \`${advice('grant', take.appId)}\` and then this again.`,
    );
    return out(EXIT.notAllowed);
  }
  lines.push(`Saved ${summary}, peak ${formatDb(20 * Math.log10(take.peak || Number.MIN_VALUE))}.`);
  const startup = take.startupFrames / take.sampleRate;
  if (startup >= STARTUP_SILENCE_WORTH_SAYING_S)
    lines.push(`The microphone took ${formatSeconds(startup)} to start: the file begins with that much silence.`);
  if (take.deviceLostFrames > 0) {
    lines.push(
      `The input device was gone for ${formatSeconds(take.deviceLostFrames / take.sampleRate)}: that much of the file is silence, recorded on when it came back.`,
    );
  }
  if (take.accessOffFrames > 0) {
    const off = `${formatSeconds(take.accessOffFrames / take.sampleRate)} of it is silence because microphone access was off`;
    lines.push(
      permission === 'granted' ? `${off}.` : `${off}; allow it again with \`${advice('grant', take.appId)}\`.`,
    );
  }
  return out(EXIT.ok);
}
