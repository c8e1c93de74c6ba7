// A second microphone plugged into the audio rig while Firefox runs, paced in real time.
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What the second input plays, and how Firefox names it ("Monitor of Second Mic"). The audio rig's
 * own `addSource` (PulseAudio's module-sine-source) delivers in 2 s bursts, ignoring the latency a
 * client asks for (measured with parec: 96,000 samples at once, then nothing for 2 s); Firefox
 * keeps about 200 ms of each burst and hears zeros in between, so a tone cannot be measured on it.
 * This input is a second null sink fed by the rig's paced feeder, like the rig's own microphone.
 */
export const SECOND_INPUT = Object.freeze({
  sink: 'micgate_second',
  description: 'Second Mic',
  frequency: 1_000,
  amplitude: 0.5,
});

const FEEDER = fileURLToPath(new URL('./feeder.js', import.meta.resolve('@micgate/audio-rig')));

/** @type {import('node:child_process').ChildProcess | undefined} */
let feeder;

/** @param {import('@micgate/audio-rig').AudioRig} rig @param {string[]} args */
function pactl(rig, args) {
  return new Promise((resolve, reject) => {
    execFile('pactl', args, { env: { ...process.env, ...rig.env }, timeout: 5_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`pactl ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

/** @param {() => Promise<boolean>} condition @param {number} timeoutMs @param {string} what */
async function waitFor(condition, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`second input: timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The module index of the second input's null sink, if it is loaded. @param {import('@micgate/audio-rig').AudioRig} rig */
async function moduleOf(rig) {
  const modules = /** @type {string} */ (await pactl(rig, ['list', 'short', 'modules']));
  const row = modules.split('\n').find((line) => line.includes(`sink_name=${SECOND_INPUT.sink} `));
  return row?.split('\t')[0];
}

/** Resolves once a capture of `source` reads a sample that is not zero (bounded). */
function firstSound(/** @type {import('@micgate/audio-rig').AudioRig} */ rig, /** @type {string} */ source) {
  return new Promise((resolve, reject) => {
    const parec = spawn(
      'parec',
      ['--raw', '--format=float32le', '--rate=48000', '--channels=1', '--latency-msec=20', `--device=${source}`],
      { env: { ...process.env, ...rig.env }, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const timer = setTimeout(() => finish(new Error(`second input: ${source} stayed silent for 5 s`)), 5_000);
    /** @param {Error} [error] */
    function finish(error) {
      clearTimeout(timer);
      parec.kill('SIGKILL');
      if (error) reject(error);
      else resolve(undefined);
    }
    parec.stdout.on('data', (/** @type {Buffer} */ chunk) => {
      for (let i = 0; i + 4 <= chunk.length; i += 4) if (chunk.readFloatLE(i) !== 0) return finish();
    });
    parec.once('error', finish);
  });
}

/**
 * Plug the second input in (not the default source): resolves with what it plays once it delivers.
 * @param {import('@micgate/audio-rig').AudioRig} rig
 */
export async function plugSecondInput(rig) {
  if (await moduleOf(rig)) throw new Error('second input: it is plugged in already');
  await pactl(rig, [
    'load-module',
    'module-null-sink',
    `sink_name=${SECOND_INPUT.sink}`,
    `rate=${rig.sampleRate}`,
    'channels=1',
    `sink_properties='device.description=${JSON.stringify(SECOND_INPUT.description)}'`,
  ]);
  // The feeder quits by itself when the rig's folder goes, so a run that dies leaves nothing behind.
  feeder = spawn(
    process.execPath,
    [
      FEEDER,
      join(rig.dir, 'second-feeder.sock'),
      SECOND_INPUT.sink,
      String(rig.sampleRate),
      String(SECOND_INPUT.frequency),
      String(SECOND_INPUT.amplitude),
    ],
    { stdio: 'ignore' },
  );
  const sinkIndex = /** @type {string} */ (await pactl(rig, ['list', 'short', 'sinks']))
    .split('\n')
    .find((line) => line.split('\t')[1] === SECOND_INPUT.sink)
    ?.split('\t')[0];
  await waitFor(
    async () =>
      /** @type {string} */ (await pactl(rig, ['list', 'short', 'sink-inputs']))
        .split('\n')
        .some((line) => line.split('\t')[1] === sinkIndex),
    5_000,
    'the feeder never connected',
  );
  // As the rig's replug does: a fresh null sink renders a 2 s block first; a suspend and resume
  // restarts its clock at the latency its stream asks for.
  await pactl(rig, ['suspend-sink', SECOND_INPUT.sink, '1']);
  await pactl(rig, ['suspend-sink', SECOND_INPUT.sink, '0']);
  await firstSound(rig, `${SECOND_INPUT.sink}.monitor`);
  return {
    frequency: SECOND_INPUT.frequency,
    amplitude: SECOND_INPUT.amplitude,
    rms: SECOND_INPUT.amplitude / Math.SQRT2,
  };
}

/**
 * Unplug the second input if it is in (open captures on it lose their device): the feeder first,
 * so it does not reconnect, then its sink.
 * @param {import('@micgate/audio-rig').AudioRig} rig
 */
export async function unplugSecondInput(rig) {
  if (feeder) {
    const exited = new Promise((resolve) => feeder?.once('exit', resolve));
    if (feeder.exitCode === null && feeder.signalCode === null) {
      feeder.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    }
    feeder = undefined;
  }
  const index = await moduleOf(rig);
  if (index) await pactl(rig, ['unload-module', index]);
}
