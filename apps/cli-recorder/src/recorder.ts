import { unlinkSync } from 'node:fs';
import {
  type AudioInputDevice,
  type AudioSession,
  createAudioSession,
  DeviceBusyError,
  DeviceLostError,
  DeviceNotFoundError,
  measureLevel,
  PromptUnavailableError,
  type SilenceReason,
  WavWriteError,
} from '@micgate/core';
import { type CaptureLoss, createNodeAdapter, type NodeAdapter } from '@micgate/node';
import { type Advice, adviceIn, adviceStyleFor } from './advice.js';
import { DEFAULT_APP_ID, parseRecorderArgs, type RecorderOptions, USAGE, UsageError } from './args.js';
import { deniedMessage, formatSeconds, notWavWarning } from './messages.js';
import { type MeterState, meterLine, progressLine } from './meter.js';
import { type Ending, type Outcome, reportOutcome, type TakeSummary } from './outcome.js';
import { checkOutputPath } from './output-path.js';
import { openWavFile } from './wav-file.js';
import { wayBack } from './way-back.js';

export const USAGE_DESCRIPTION = 'micgate-record saves what the microphone hears to the WAV file you named.';

export interface RecorderIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & {
    isTTY?: boolean;
    columns?: number;
    on?(event: 'resize', listener: () => void): unknown;
    off?(event: 'resize', listener: () => void): unknown;
  };
  /** Subscribe to Ctrl-C (and SIGTERM); returns the unsubscribe. */
  onInterrupt(handler: () => void): () => void;
  /** Where advice commands must run; default process.cwd(). */
  cwd?: string;
}

/** micgate-record; resolves with the exit status. */
export async function runRecorder(argv: readonly string[], io: RecorderIo): Promise<number> {
  const advice = adviceIn(adviceStyleFor(io.cwd ?? process.cwd()));
  const outcome = await run(argv, io, advice);
  const report = reportOutcome(outcome, advice);
  if (report.stdout) io.stdout.write(report.stdout);
  if (report.stderr) io.stderr.write(report.stderr);
  return report.status;
}

async function run(argv: readonly string[], io: RecorderIo, advice: Advice): Promise<Outcome> {
  let options: RecorderOptions;
  try {
    const parsed = parseRecorderArgs(argv);
    if (parsed.help) return { kind: 'help', usage: USAGE };
    if (parsed.listDevices) return await listDevices();
    options = parsed.options;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return { kind: 'usage', message: error.message };
  }
  // Before the microphone is asked for: a question answered for nothing is a bad first run.
  const check = checkOutputPath(options.output, options.force);
  if (!check.ok) return { kind: 'output-refused', path: options.output, problem: check.problem };
  if (check.warning === 'not-wav') io.stderr.write(notWavWarning(options.output));

  const losses = new InputLossTally();
  const adapter = createNodeAdapter({
    appId: options.appId,
    capture: { onOverflow: (loss) => losses.report(loss) },
    onError: (error) => io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`),
  });
  const session = createAudioSession({ adapter, usageDescription: USAGE_DESCRIPTION });
  try {
    return await askThenRecord(options, adapter, session, io, losses, advice);
  } catch (error) {
    return { kind: 'failed', error };
  } finally {
    session.close();
    adapter.close();
  }
}

async function listDevices(): Promise<Outcome> {
  const adapter = createNodeAdapter({ appId: DEFAULT_APP_ID, onError: () => {} });
  try {
    return { kind: 'devices', devices: await adapter.devices() };
  } catch (error) {
    return { kind: 'failed', error };
  } finally {
    adapter.close();
  }
}

/** `--device`: an id, else an exact name, else a unique part of a name. */
export function chooseDevice(devices: readonly AudioInputDevice[], text: string): string | undefined {
  const exact = devices.find((device) => device.id === text) ?? devices.find((device) => device.name === text);
  if (exact) return exact.id;
  const lower = text.toLowerCase();
  const partial = devices.filter((device) => device.name?.toLowerCase().includes(lower));
  return partial.length === 1 ? partial[0]!.id : undefined;
}

async function askThenRecord(
  options: RecorderOptions,
  adapter: NodeAdapter,
  session: AudioSession,
  io: RecorderIo,
  losses: InputLossTally,
  advice: Advice,
): Promise<Outcome> {
  const { appId, output, seconds } = options;
  let granted: boolean;
  try {
    granted = await session.requestRecordPermission();
  } catch (error) {
    if (!(error instanceof PromptUnavailableError)) throw error;
    return { kind: 'cannot-ask', appId };
  }
  if (!granted && session.recordPermission === 'undetermined') return { kind: 'dismissed', appId };
  let device = options.device;
  if (granted) {
    const devices = await adapter.devices();
    if (devices.length === 0) return { kind: 'no-input-device' };
    if (device !== undefined) {
      const chosen = chooseDevice(devices, device);
      if (chosen === undefined) {
        const error = new DeviceNotFoundError(`no input device matches ${JSON.stringify(device)}`);
        return { kind: 'device-not-found', error, devices };
      }
      device = chosen;
    }
  } else {
    io.stderr.write(deniedMessage(appId, output, seconds, wayBack(session.recovery, advice('grant', appId), io.cwd)));
  }
  return record({ ...options, device }, adapter, session, io, losses);
}

async function record(
  options: RecorderOptions,
  adapter: NodeAdapter,
  session: AudioSession,
  io: RecorderIo,
  losses: InputLossTally,
): Promise<Outcome> {
  const { output, seconds, sampleRate, channels, appId } = options;
  const totalFrames = Math.max(1, Math.round(seconds * sampleRate));
  // ~20 ms buffers: a lively meter, and a kill -9 loses at most one of them.
  const framesPerBuffer = Math.max(16, Math.round(sampleRate / 50));
  const file = openWavFile(output, { sampleRate, channels }, { force: options.force });
  const take: TakeSummary = {
    output,
    appId,
    sampleRate,
    channels,
    frames: 0,
    deviceFrames: 0,
    startupFrames: 0,
    accessOffFrames: 0,
    deviceLostFrames: 0,
    peak: 0,
    lostFrames: 0,
    overflows: 0,
  };
  let loudestDb = Number.NEGATIVE_INFINITY; // since the last meter update
  let lastGated = true;
  let lastSilence: SilenceReason | undefined;
  const state = (): MeterState => ({
    elapsedSeconds: take.frames / sampleRate,
    totalSeconds: totalFrames / sampleRate,
    dbfs: loudestDb,
    silenceReason: lastGated ? silenceReason(session, lastSilence) : undefined,
  });

  const interactive = io.stderr.isTTY === true;
  io.stderr.write(
    `Recording ${formatSeconds(seconds)} to ${output}: ${sampleRate} Hz, ${channels} channel${channels === 1 ? '' : 's'}. Ctrl-C stops early.\n`,
  );
  let drawn = 0; // length of the meter line on screen
  const draw = () => {
    const line = meterLine(state(), terminalColumns(io));
    drawn = line.length;
    io.stderr.write(`\r\u001b[2K${line}`);
  };
  const meter = setInterval(
    () => {
      if (interactive) draw();
      else io.stderr.write(`${progressLine(state())}\n`);
      loudestDb = Number.NEGATIVE_INFINITY;
    },
    interactive ? 100 : 1000,
  );
  // Terminals that reflow (tmux, VTE, iTerm2, Windows Terminal) wrap the old line when the window
  // narrows: go back to the row it starts on and clear down before drawing the narrower one.
  const onResize = () => {
    const rows = Math.ceil(drawn / Math.max(1, terminalColumns(io)));
    io.stderr.write(`\r${rows > 1 ? `\u001b[${rows - 1}A` : ''}\u001b[J`);
    draw();
  };
  if (interactive) io.stderr.on?.('resize', onResize);

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
    // 'wait': an unplugged device is silence until it (or, following the default, a new default) is back.
    const recordOptions = { sampleRate, channels, framesPerBuffer, onDeviceLost: 'wait' as const };
    subscription = session
      .record(options.device === undefined ? recordOptions : { ...recordOptions, device: options.device })
      .subscribe({
        next: (frame) => {
          if (settled) return;
          const count = Math.min(frame.frames, totalFrames - take.frames);
          const samples = count === frame.frames ? frame.samples : frame.samples.subarray(0, count * channels);
          try {
            file.append(samples);
          } catch (error) {
            // A full disk or a vanished file: stop; the writer kept whole frames and a true header.
            take.frames = file.frames;
            end({ kind: error instanceof WavWriteError ? 'write-failed' : 'failed', error });
            return;
          }
          take.frames += count;
          lastGated = frame.gated;
          lastSilence = frame.silence;
          if (frame.silence === 'device-lost') take.deviceLostFrames += count;
          else if (!frame.gated) {
            take.deviceFrames += count;
            const level = measureLevel(samples);
            loudestDb = Math.max(loudestDb, level.dbfs);
            take.peak = Math.max(take.peak, level.peak);
          } else if (session.recordPermission === 'granted' && take.deviceFrames === 0) take.startupFrames += count;
          else if (session.recordPermission !== 'granted') take.accessOffFrames += count;
          if (take.frames >= totalFrames) end({ kind: 'done' });
        },
        error: (error: unknown) => end({ kind: 'failed', error }),
        complete: () => end({ kind: 'done' }),
      });
    if (settled) subscription.unsubscribe();
  });
  clearInterval(meter);
  if (interactive) io.stderr.off?.('resize', onResize);
  try {
    file.close();
  } catch (error) {
    return { kind: 'recorded', take, ending: { kind: 'write-failed', error }, permission: session.recordPermission };
  }
  if (interactive) io.stderr.write('\r\u001b[2K');
  take.lostFrames = losses.frames;
  take.overflows = losses.overflows;

  let finalEnding = ending;
  if (ending.kind === 'failed') {
    const { error } = ending;
    if (error instanceof DeviceNotFoundError || error instanceof DeviceBusyError) {
      const fileKept = take.deviceFrames > 0;
      if (!fileKept) unlinkSync(output);
      const devices = error instanceof DeviceNotFoundError ? await adapter.devices().catch(() => []) : undefined;
      finalEnding = { kind: 'device-unavailable', error, fileKept, ...(devices ? { devices } : {}) };
    } else if (error instanceof DeviceLostError) finalEnding = { kind: 'device-lost', error };
  }
  return { kind: 'recorded', take, ending: finalEnding, permission: session.recordPermission };
}

function silenceReason(session: AudioSession, silence: SilenceReason | undefined): string {
  if (silence === 'device-lost') return 'device lost, waiting for it';
  switch (session.recordPermission) {
    case 'granted':
      return 'starting the microphone';
    case 'denied':
      return 'permission denied';
    default:
      return 'not allowed yet';
  }
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

/** A pseudo-terminal with no size set (`script` without a window) reports 0 columns: assume 80. */
function terminalColumns(io: RecorderIo): number {
  return io.stderr.columns || 80;
}
