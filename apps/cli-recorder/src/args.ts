import { parseArgs } from 'node:util';
import { FORMAT_LIMITS, MicgateError, WAV_MAX_DATA_BYTES } from '@micgate/core';
import { isAppId } from '@micgate/node';

export const DEFAULT_APP_ID = 'micgate-record';

export interface RecorderOptions {
  output: string;
  seconds: number;
  sampleRate: number;
  channels: number;
  /** An input's id or name as `--list-devices` shows it, or a unique part of a name. */
  device: string | undefined;
  appId: string;
  /** Replace an existing output file. */
  force: boolean;
}

export type ParsedArgs =
  | { help: true }
  | { help: false; listDevices: true }
  | { help: false; listDevices: false; options: RecorderOptions };

/** A command-line mistake; the message names the flag. */
export class UsageError extends MicgateError {
  constructor(message: string) {
    super('ERR_MICGATE_USAGE', message);
  }
}

export const USAGE = `micgate-record: record the microphone to a WAV file, asking for permission first

Usage:
  micgate-record OUT.wav [--seconds 10] [--device ID|NAME] [--rate 48000] [--channels 1] [--app-id ID] [--force]
  micgate-record --list-devices

Options:
  -s, --seconds N     how long to record (default 10); Ctrl-C stops early and keeps a valid file
  -d, --device ID     input device: its id or name as --list-devices shows them, or a unique part of
                      the name (default: the system default). Unplugged while recording: silence
                      until it is back, then it records on
  -l, --list-devices  list the input devices (id, name, which is the default) and exit
  -r, --rate HZ       sample rate, ${FORMAT_LIMITS.sampleRate.min}–${FORMAT_LIMITS.sampleRate.max} (default 48000)
  -c, --channels N    channels, ${FORMAT_LIMITS.channels.min}–${FORMAT_LIMITS.channels.max} (default 1)
      --app-id ID     the app id the decision is remembered under (default ${DEFAULT_APP_ID})
  -f, --force         replace OUT.wav if it exists (without it, an existing file is never touched)
  -h, --help          show this help

The first run asks on the terminal whether micgate-record may use the microphone; the answer
is remembered. Change it with the micgate command: grant, deny or reset ${DEFAULT_APP_ID}
(\`npm run micgate -- grant ${DEFAULT_APP_ID}\` in the micgate repository, \`npx micgate grant ${DEFAULT_APP_ID}\`
in a project). Without permission the file is silence.

Exit status: 0 recorded, 1 failed, 2 bad usage or an output file it may not write, 3 no usable input device,
4 permission denied or not given (denied: the file is silence), 5 no terminal to ask on,
130 stopped with Ctrl-C (the file is kept and valid).
`;

export function parseRecorderArgs(argv: readonly string[]): ParsedArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(joinNegativeValues(argv));
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (values['list-devices']) {
    if (positionals.length > 0) throw new UsageError('--list-devices takes no output file');
    return { help: false, listDevices: true };
  }
  const [output, ...extra] = positionals;
  if (output === undefined || output === '')
    throw new UsageError('missing the output file, e.g. `micgate-record out.wav`');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}: give one output file`);

  const seconds = numberFlag('--seconds', values.seconds, 10);
  if (!(seconds > 0))
    throw new UsageError(`--seconds is how long to record, so it must be above 0; got ${values.seconds}`);
  const sampleRate = integerFlag('--rate', values.rate, 48_000, FORMAT_LIMITS.sampleRate);
  const channels = integerFlag('--channels', values.channels, 1, FORMAT_LIMITS.channels);
  const maxSeconds = Math.floor(WAV_MAX_DATA_BYTES / (sampleRate * channels * 2));
  if (seconds > maxSeconds) {
    throw new UsageError(
      `--seconds must be at most ${maxSeconds} at ${sampleRate} Hz × ${channels} channel(s): a WAV file holds under 4 GiB`,
    );
  }
  const appId = values['app-id'] ?? DEFAULT_APP_ID;
  if (!isAppId(appId)) {
    throw new UsageError(
      `--app-id must be 1–200 letters, digits or . _ - @ / + (not starting with -); got ${JSON.stringify(appId)}`,
    );
  }
  const device = values.device;
  if (device !== undefined && device.trim() === '') {
    throw new UsageError('--device must name a device (its id or name: see --list-devices)');
  }
  return {
    help: false,
    listDevices: false,
    options: { output, seconds, sampleRate, channels, device, appId, force: values.force === true },
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      seconds: { type: 'string', short: 's' },
      device: { type: 'string', short: 'd' },
      'list-devices': { type: 'boolean', short: 'l' },
      rate: { type: 'string', short: 'r' },
      channels: { type: 'string', short: 'c' },
      'app-id': { type: 'string' },
      force: { type: 'boolean', short: 'f' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

const VALUE_FLAGS = new Set(['--seconds', '-s', '--rate', '-r', '--channels', '-c']);

/** parseArgs takes `-1` after `--seconds` for an option: pass it as `--seconds=-1`, so the value is judged. */
function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (VALUE_FLAGS.has(arg) && next !== undefined && /^-\d|^-\.\d|^-Infinity$/.test(next)) {
      out.push(arg.startsWith('--') ? `${arg}=${next}` : `${arg}${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

function numberFlag(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new UsageError(`${flag} must be a number; got ${JSON.stringify(text)}`);
  return value;
}

function integerFlag(
  flag: string,
  text: string | undefined,
  fallback: number,
  limits: { min: number; max: number },
): number {
  const value = numberFlag(flag, text, fallback);
  if (!Number.isInteger(value) || value < limits.min || value > limits.max) {
    throw new UsageError(
      `${flag} must be a whole number from ${limits.min} to ${limits.max}; got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/** parseArgs says "Unknown option '--x'" and the like; keep its flag name, drop its advice for scripts. */
function describeParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = String(message ?? error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'([^']+)'/.exec(text)?.[1] ?? text;
    return `unknown option ${flag}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /(--[a-z-]+)/.exec(text)?.[1] ?? 'an option';
    return text.includes('does not take an argument') ? `${flag} takes no value` : `${flag} needs a value`;
  }
  return text.split('\n')[0] ?? text;
}
