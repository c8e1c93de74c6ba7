import { unlinkSync } from 'node:fs';
import {
  type AudioSession,
  createAudioSession,
  DeviceBusyError,
  DeviceLostError,
  DeviceNotFoundError,
  MicgateError,
  measureLevel,
  PromptUnavailableError,
} from '@micgate/core';
import { type CaptureLoss, createNodeAdapter, type NodeAdapter } from '@micgate/node';
import { parseRecorderArgs, type RecorderOptions, USAGE, UsageError } from './args.js';
import {
  deniedMessage,
  deviceListing,
  dismissedMessage,
  formatSeconds,
  noInputDeviceMessage,
  promptUnavailableMessage,
} from './messages.js';
import { formatDb, type MeterState, meterLine, progressLine } from './meter.js';
import { WavFileWriter } from './wav-file.js';

export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  device: 3,
  notAllowed: 4,
  cannotAsk: 5,
  interrupted: 130,
} as const;

export const USAGE_DESCRIPTION = 'micgate-record saves what the microphone hears to the WAV file you named.';

export interface RecorderIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Subscribe to Ctrl-C (and SIGTERM); returns the unsubscribe. */
  onInterrupt(handler: () => void): () => void;
}

/** micgate-record; resolves with the exit status. */
export async function runRecorder(argv: readonly string[], io: RecorderIo): Promise<number> {
  let options: RecorderOptions;
  try {
    const parsed = parseRecorderArgs(argv);
    if (parsed.help) {
      io.stdout.write(USAGE);
      return EXIT.ok;
    }
    options = parsed.options;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`micgate-record: ${error.message}\nRun \`micgate-record --help\` for usage.\n`);
    return EXIT.usage;
  }

  const losses = new InputLossTally();
  const adapter = createNodeAdapter({
    appId: options.appId,
    ...(options.device === undefined ? {} : { device: options.device }),
    capture: { onOverflow: (loss) => losses.report(loss) },
    onError: (error) => io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`),
  });
  const session = createAudioSession({ adapter, usageDescription: USAGE_DESCRIPTION });
  try {
    return await askThenRecord(options, adapter, session, io, losses);
  } catch (error) {
    io.stderr.write(`micgate-record: ${describeError(error)}\n`);
    return EXIT.failed;
  } finally {
    session.close();
    adapter.close();
  }
}

async function askThenRecord(
  options: RecorderOptions,
  adapter: NodeAdapter,
  session: AudioSession,
  io: RecorderIo,
  losses: InputLossTally,
): Promise<number> {
  const { appId, output, seconds } = options;
  let granted: boolean;
  try {
    granted = await session.requestRecordPermission();
  } catch (error) {
    if (!(error instanceof PromptUnavailableError)) throw error;
    io.stderr.write(promptUnavailableMessage(appId));
    return EXIT.cannotAsk;
  }
  if (!granted && session.recordPermission === 'undetermined') {
    io.stderr.write(dismissedMessage(appId));
    return EXIT.notAllowed;
  }
  if (granted) {
    const devices = await adapter.devices();
    if (devices.length === 0) {
      io.stderr.write(noInputDeviceMessage());
      return EXIT.device;
    }
  } else {
    io.stderr.write(deniedMessage(appId, output, seconds));
  }
  return record(options, adapter, session, io, losses);
}

type Ending = { kind: 'done' } | { kind: 'interrupted' } | { kind: 'error'; error: unknown };

async function record(
  options: RecorderOptions,
  adapter: NodeAdapter,
  session: AudioSession,
  io: RecorderIo,
  losses: InputLossTally,
): Promise<number> {
  const { output, seconds, sampleRate, channels, appId } = options;
  const totalFrames = Math.max(1, Math.round(seconds * sampleRate));
  // ~20 ms buffers: a lively meter and little to lose on Ctrl-C.
  const framesPerBuffer = Math.max(16, Math.round(sampleRate / 50));
  const writer = new WavFileWriter(output, { sampleRate, channels });
  let written = 0;
  let deviceFrames = 0;
  let loudestDb = Number.NEGATIVE_INFINITY; // since the last meter update
  let peak = 0;
  let lastGated = true;
  const state = (): MeterState => ({
    elapsedSeconds: written / sampleRate,
    totalSeconds: totalFrames / sampleRate,
    dbfs: loudestDb,
    silenceReason: lastGated ? silenceReason(session) : undefined,
  });

  const interactive = io.stderr.isTTY === true;
  io.stderr.write(`Recording ${formatSeconds(seconds)} to ${output} (${sampleRate} Hz, ${channels} channel${channels === 1 ? '' : 's'}). Ctrl-C stops early.\n`);
  const meter = setInterval(
    () => {
      io.stderr.write(interactive ? `\r\u001b[2K${meterLine(state())}` : `${progressLine(state())}\n`);
      loudestDb = Number.NEGATIVE_INFINITY;
    },
    interactive ? 100 : 1000,
  );

  const ending = await new Promise<Ending>((resolve) => {
    let settled = false;
    const end = (result: Ending) => {
      if (settled) return;
      settled = true;
      stopInterrupt();
      subscription?.unsubscribe();
      resolve(result);
    };
    const stopInterrupt = io.onInterrupt(() => end({ kind: 'interrupted' }));
    let subscription: { unsubscribe(): void } | undefined;
    subscription = session.record({ sampleRate, channels, framesPerBuffer }).subscribe({
      next: (frame) => {
        if (settled) return;
        const take = Math.min(frame.frames, totalFrames - written);
        const samples = take === frame.frames ? frame.samples : frame.samples.subarray(0, take * channels);
        try {
          writer.append(samples);
        } catch (error) {
          // A full disk or a vanished file: stop and keep what was written, with a true header.
          end({ kind: 'error', error });
          return;
        }
        written += take;
        lastGated = frame.gated;
        if (!frame.gated) {
          deviceFrames += take;
          const level = measureLevel(samples);
          loudestDb = Math.max(loudestDb, level.dbfs);
          peak = Math.max(peak, level.peak);
        }
        if (written >= totalFrames) end({ kind: 'done' });
      },
      error: (error: unknown) => end({ kind: 'error', error }),
      complete: () => end({ kind: 'done' }),
    });
    if (settled) subscription.unsubscribe();
  });
  clearInterval(meter);
  try {
    writer.finish();
  } catch (error) {
    io.stderr.write(`micgate-record: could not finish ${output}: ${describeError(error)}\n`);
    return EXIT.failed;
  }
  if (interactive) io.stderr.write('\r\u001b[2K');
  if (losses.frames > 0 || losses.overflows > 0) {
    io.stderr.write(
      `Warning: ${formatSeconds(losses.frames / sampleRate)} of input (${losses.frames} frames) was lost because the program fell behind, and the device reported ${losses.overflows} overflow(s).\n`,
    );
  }

  const recorded = formatSeconds(written / sampleRate);
  const silent = formatSeconds((written - deviceFrames) / sampleRate);
  const summary = `${output}: ${recorded} at ${sampleRate} Hz, ${channels} channel${channels === 1 ? '' : 's'}, 16-bit PCM`;

  if (ending.kind === 'error') {
    const { error } = ending;
    if (error instanceof DeviceNotFoundError || error instanceof DeviceBusyError) {
      if (deviceFrames === 0) unlinkSync(output);
      io.stderr.write(`micgate-record: ${error.message}\n`);
      if (error instanceof DeviceNotFoundError) io.stderr.write(deviceListing(await adapter.devices().catch(() => [])));
      io.stderr.write(deviceFrames === 0 ? 'No file was written.\n' : `Saved what was recorded: ${summary}.\n`);
      return EXIT.device;
    }
    if (error instanceof DeviceLostError) {
      io.stderr.write(`micgate-record: the input device went away after ${recorded} (${error.message}).\nSaved what was recorded: ${summary}.\n`);
      return EXIT.device;
    }
    io.stderr.write(`micgate-record: ${describeError(error)}\nSaved what was recorded: ${summary}.\n`);
    return EXIT.failed;
  }
  if (ending.kind === 'interrupted') {
    io.stderr.write(`Stopped after ${recorded}. Saved ${summary} (a complete WAV file).\n`);
    return EXIT.interrupted;
  }
  if (deviceFrames === 0) {
    io.stderr.write(
      `Saved ${summary}: all silence, because “${appId}” may not use the microphone.\nTo record sound, allow it with \`micgate grant ${appId}\` and run this again.\n`,
    );
    return EXIT.notAllowed;
  }
  const gap = written > deviceFrames ? ` (${silent} of it is silence: before the microphone started or while access was off)` : '';
  io.stderr.write(`Saved ${summary}, peak ${formatDb(20 * Math.log10(peak || Number.MIN_VALUE))}${gap}.\n`);
  return EXIT.ok;
}

function silenceReason(session: AudioSession): string {
  switch (session.recordPermission) {
    case 'granted':
      return 'starting the microphone';
    case 'denied':
      return `permission denied`;
    default:
      return 'not allowed yet';
  }
}

function describeError(error: unknown): string {
  if (error instanceof MicgateError) return `${error.message} (${error.code})`;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Input lost during the recording, summed over every time the device was opened. */
class InputLossTally {
  frames = 0;
  overflows = 0;
  private current = { framesLost: 0, inputOverflows: 0 };

  report(loss: CaptureLoss): void {
    // The totals restart when the device is opened again (access turned off and on).
    const reopened = loss.framesLost < this.current.framesLost || loss.inputOverflows < this.current.inputOverflows;
    if (reopened) this.current = { framesLost: 0, inputOverflows: 0 };
    this.frames += loss.framesLost - this.current.framesLost;
    this.overflows += loss.inputOverflows - this.current.inputOverflows;
    this.current = { ...loss };
  }
}
