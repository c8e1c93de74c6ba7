// The audio rig: an isolated PulseAudio daemon whose default source is the monitor of a null
// sink, fed a paced sine by feeder.js. PortAudio reaches it through ALSA's pulse plugin when a
// process has PULSE_SERVER (and, to keep probing quiet and quick, ALSA_CONFIG_PATH) from `rig.env`.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEEPER_NAME } from './keeper.js';

export { KEEPER_NAME };

const here = dirname(fileURLToPath(import.meta.url));
export const ALSA_CONFIG = join(here, 'asound.conf');
const SINK = 'vmic';
const STATE_FILE = 'rig.json';
/** Beyond the played position, the sink's own latency (about 30 ms here) before the monitor source has it. */
const SIGNAL_MARGIN_S = 0.06;

/**
 * Start a rig. Resolves once PulseAudio answers and the feeder plays.
 * @param {import('./index.d.ts').RigOptions} [options]
 * @returns {Promise<import('./index.d.ts').AudioRig>}
 */
export async function startRig(options = {}) {
  const { frequency = 440, amplitude = 0.5, sampleRate = 48_000, settleMs = 300 } = options;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'micgate-rig-'));
  mkdirSync(join(dir, 'home'), { recursive: true });
  mkdirSync(join(dir, 'run'), { recursive: true, mode: 0o700 });
  writeFileSync(
    join(dir, 'rig.pa'),
    [
      `load-module module-native-protocol-unix auth-anonymous=1 socket=${join(dir, 'native')}`,
      `load-module module-null-sink sink_name=${SINK} rate=${sampleRate} channels=1`,
      `set-default-sink ${SINK}`,
      `set-default-source ${SINK}.monitor`,
      '',
    ].join('\n'),
  );
  const daemonEnv = {
    ...process.env,
    HOME: join(dir, 'home'),
    XDG_RUNTIME_DIR: join(dir, 'run'),
    XDG_CONFIG_HOME: join(dir, 'home', '.config'),
  };
  delete daemonEnv.PULSE_SERVER;
  await run(
    'pulseaudio',
    [
      '--daemonize=yes',
      '--system=false',
      '-n',
      '-F',
      join(dir, 'rig.pa'),
      '--exit-idle-time=-1',
      '--disallow-exit',
      '--use-pid-file=yes',
      `--log-target=file:${join(dir, 'pulse.log')}`,
    ],
    daemonEnv,
    10_000,
  );
  const env = { PULSE_SERVER: `unix:${join(dir, 'native')}`, ALSA_CONFIG_PATH: ALSA_CONFIG };
  const daemonPid = Number(readFileSync(join(dir, 'run', 'pulse', 'pid'), 'utf8').trim());
  await waitFor(
    async () =>
      await pactl(env, ['info']).then(
        () => true,
        () => false,
      ),
    5_000,
    'PulseAudio did not answer',
  );

  const socket = join(dir, 'feeder.sock');
  const feeder = spawn(
    process.execPath,
    [join(here, 'feeder.js'), socket, SINK, String(sampleRate), String(frequency), String(amplitude)],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    },
  );
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the rig feeder did not start within 5 s')), 5_000);
    feeder.once('error', reject);
    feeder.stdout.once('data', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
  feeder.stdout.destroy();
  feeder.unref();
  const state = { dir, daemonPid, feederPid: feeder.pid, env, sampleRate, frequency, amplitude };
  writeFileSync(join(dir, STATE_FILE), JSON.stringify(state, null, 2));
  const rig = attachRig(dir);
  // The feeder's stream must be flowing before a capture can measure it.
  await waitFor(async () => (await rig.status()).playing, 5_000, 'the rig feeder could not connect to PulseAudio');
  await waitFor(
    async () => (await rig.status()).playedSeconds > 0.1,
    10_000,
    'PulseAudio never started playing the feeder stream',
  );
  await keeperConnected(socket);
  if (settleMs > 0) await delay(settleMs);
  return rig;
}

/**
 * Control a rig started elsewhere (another process, the CLI), from its folder.
 * @param {string} dir
 * @returns {import('./index.d.ts').AudioRig}
 */
export function attachRig(dir) {
  if (!existsSync(join(dir, STATE_FILE))) {
    throw new Error(
      `no audio rig runs in ${dir} (no ${STATE_FILE}); start one with \`node tooling/audio-rig/cli.js start\`, or unset MICGATE_RIG_DIR`,
    );
  }
  const state = JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8'));
  const env = state.env;
  const socket = join(dir, 'feeder.sock');
  return {
    dir,
    env,
    pulseServer: env.PULSE_SERVER,
    sampleRate: state.sampleRate,
    async setSine(frequency, amplitude) {
      const reply = await ask(socket, { cmd: 'sine', frequency, amplitude });
      if (!reply.ok) throw new Error(`rig: ${reply.error}`);
      // Wait until PulseAudio reports it has played past the switch: from then on the source carries the new sine.
      await waitFor(
        async () => {
          const now = await ask(socket, { cmd: 'status' });
          return now.restarts !== reply.restarts || now.playedSeconds >= reply.switchAt + SIGNAL_MARGIN_S;
        },
        10_000,
        'the rig never played the new sine',
      );
      return { frequency: reply.frequency, amplitude: reply.amplitude, rms: reply.amplitude / Math.SQRT2 };
    },
    async status() {
      return ask(socket, { cmd: 'status' });
    },
    async unplug() {
      const modules = await pactl(env, ['list', 'short', 'modules']);
      const line = modules
        .split('\n')
        .find((row) => row.includes('module-null-sink') && row.includes(`sink_name=${SINK}`));
      if (!line) return;
      await pactl(env, ['unload-module', line.split('\t')[0]]);
    },
    async replug() {
      const sources = await pactl(env, ['list', 'short', 'sources']);
      if (!sources.includes(`${SINK}.monitor`)) {
        await pactl(env, [
          'load-module',
          'module-null-sink',
          `sink_name=${SINK}`,
          `rate=${state.sampleRate}`,
          'channels=1',
        ]);
        await pactl(env, ['set-default-source', `${SINK}.monitor`]);
      }
      await waitFor(async () => (await sinkInputCount(env)) > 0, 5_000, 'the feeder did not reconnect after replug');
      // A freshly loaded null sink renders its first 2 s block before it heeds its streams' latency,
      // so its monitor delivers nothing for up to 2 s, which no plugged-in microphone does. A
      // suspend and resume restarts its clock at the latency its streams ask for.
      await pactl(env, ['suspend-sink', SINK, '1']);
      await pactl(env, ['suspend-sink', SINK, '0']);
      await firstSound(env, `${SINK}.monitor`, 5_000);
      await keeperConnected(socket);
    },
    /** Stop the sound server (SIGSTOP): it keeps its socket and answers nothing, as a hung daemon does. */
    async freeze() {
      signal(state.daemonPid, 'SIGSTOP');
    },
    /** Let a frozen sound server go on (SIGCONT); resolves once the feeder plays again on a fresh stream. */
    async thaw() {
      signal(state.daemonPid, 'SIGCONT');
      const before = await ask(socket, { cmd: 'reconnect' });
      await waitFor(
        async () => {
          const now = await ask(socket, { cmd: 'status' });
          return now.restarts > before.restarts && now.playing && now.playedSeconds > SIGNAL_MARGIN_S;
        },
        10_000,
        'the feeder did not play again after thaw',
      );
      await keeperConnected(socket);
    },
    async addSource(name, options = {}) {
      checkSourceName(name);
      const { frequency = 1000, description = name } = options;
      if (typeof description !== 'string' || /['"\\]/.test(description)) {
        throw new Error(`rig: a description without quotes or backslashes, not ${JSON.stringify(description)}`);
      }
      if ((await sourceNames(env)).includes(name)) throw new Error(`rig: a source named ${name} exists already`);
      // PulseAudio's own sine source: a second microphone with its own tone (delivered in bursts, not paced).
      await pactl(env, [
        'load-module',
        'module-sine-source',
        `source_name=${name}`,
        `frequency=${frequency}`,
        `rate=${state.sampleRate}`,
        `source_properties='device.description=${JSON.stringify(description)}'`,
      ]);
    },
    async removeSource(name) {
      checkSourceName(name);
      const modules = await pactl(env, ['list', 'short', 'modules']);
      const line = modules
        .split('\n')
        .find((row) => row.includes('module-sine-source') && row.includes(`source_name=${name} `));
      if (!line) throw new Error(`rig: no source named ${name} was added`);
      await pactl(env, ['unload-module', line.split('\t')[0]]);
    },
    async sources() {
      return sourceNames(env);
    },
    async sourceOutputs() {
      const outputs = JSON.parse(await pactl(env, ['--format=json', 'list', 'source-outputs']));
      // The rig's own keeper stream is part of the microphone, not a capture.
      return outputs.filter((output) => output.properties?.['application.name'] !== KEEPER_NAME).length;
    },
    async stop() {
      await stopRig(dir);
    },
  };
}

/** Resolves once the feeder's keeper stream (keeper.js) is open on the microphone. */
async function keeperConnected(socket) {
  await waitFor(
    async () => (await ask(socket, { cmd: 'status' })).keeping,
    5_000,
    'the rig keeper stream did not connect',
  );
}

/** Stop the feeder and the daemon (bounded waits), then remove the folder. */
export async function stopRig(dir) {
  if (!existsSync(join(dir, STATE_FILE))) return;
  const state = JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8'));
  await ask(join(dir, 'feeder.sock'), { cmd: 'quit' }).catch(() => {});
  for (const pid of [state.feederPid, state.daemonPid]) {
    if (!pid) continue;
    signal(pid, 'SIGCONT'); // a frozen daemon would not act on SIGTERM
    signal(pid, 'SIGTERM');
    const gone = await waitFor(async () => !alive(pid), 3_000, '').then(
      () => true,
      () => false,
    );
    if (!gone) signal(pid, 'SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {}
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function checkSourceName(name) {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(name) || name === SINK || name === `${SINK}.monitor`) {
    throw new Error(`rig: a source name is letters, digits, "_", "." or "-", not ${SINK}: ${JSON.stringify(name)}`);
  }
}

async function sourceNames(env) {
  const sources = await pactl(env, ['list', 'short', 'sources']);
  return sources
    .split('\n')
    .filter((row) => row.trim() !== '')
    .map((row) => row.split('\t')[1]);
}

/** Resolves once `source` delivers a non-zero sample (read with parec); rejects after `timeoutMs`. */
function firstSound(env, source, timeoutMs) {
  return new Promise((resolve, reject) => {
    const parec = spawn(
      'parec',
      ['--raw', '--format=float32le', '--rate=48000', '--channels=1', '--latency-msec=20', `--device=${source}`],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const finish = (error) => {
      clearTimeout(timer);
      parec.kill('SIGKILL');
      if (error) reject(error);
      else resolve(undefined);
    };
    const timer = setTimeout(() => finish(new Error(`${source} delivered no sound within ${timeoutMs} ms`)), timeoutMs);
    parec.stdout.on('data', (chunk) => {
      for (let at = 0; at + 4 <= chunk.length; at += 4) {
        if (chunk.readFloatLE(at) !== 0) {
          finish();
          return;
        }
      }
    });
    parec.once('error', finish);
  });
}

async function sinkInputCount(env) {
  const inputs = await pactl(env, ['list', 'short', 'sink-inputs']).catch(() => '');
  return inputs.split('\n').filter((row) => row.trim() !== '').length;
}

function pactl(env, args) {
  return run('pactl', args, { ...process.env, ...env }, 5_000);
}

function run(command, args, env, timeout) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, timeout, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

function ask(socketPath, command, timeoutMs = 3_000) {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`rig feeder did not answer ${command.cmd} within ${timeoutMs} ms`));
    }, timeoutMs);
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(command)}\n`));
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.includes('\n')) {
        clearTimeout(timer);
        socket.end();
        resolve(JSON.parse(reply.slice(0, reply.indexOf('\n'))));
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function waitFor(check, timeoutMs, message) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await delay(50);
  }
  throw new Error(message);
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
