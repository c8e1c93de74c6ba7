// micgate's Node capture benchmark. Runs each subject in turn, in its own process, on the audio
// rig's paced source, and prints one table:
//   C loop       — bench/pa-loop.c, compiled here against the system PortAudio (the floor)
//   micgate record() — createAudioSession(...).record() through createNodeAdapter, granted
//   micgate openCapture() — the adapter's stream alone
//   naudiodon    — if it builds here
// and the delay from the grant to the first device sample.
//
// With --scale, then the C loop and openCapture() at 1, 2 and 8 channels × 16, 48 and 192 kHz
// (10 ms buffers), each pair side by side.
//
//   node --import tsx bench/run.ts [--seconds 60] [--rate 48000] [--channels 2] [--frames 480] [--grant-runs 5] [--scale] [--only-scale]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type AudioRig, attachRig, startRig } from '@micgate/audio-rig';

const benchDir = dirname(fileURLToPath(import.meta.url));
const packageDir = join(benchDir, '..');
const { values } = parseArgs({
  // `pnpm bench -- --seconds 30` hands the `--` on to the script.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    seconds: { type: 'string', default: '60' },
    rate: { type: 'string', default: '48000' },
    channels: { type: 'string', default: '2' },
    frames: { type: 'string', default: '480' },
    'grant-runs': { type: 'string', default: '5' },
    scale: { type: 'boolean', default: false },
    'only-scale': { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
if (!(seconds > 0)) throw new Error(`--seconds must be a positive number; got ${values.seconds}`);
const formatArgs = [values.rate, values.channels, values.frames];

interface Result {
  cpuSeconds: number;
  frames: number;
  expectedFrames: number;
  framesLost: number | null;
  inputOverflows: number | null;
  delayP50Ms: number | null;
  delayP99Ms: number | null;
}

function runSubject(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: packageDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((text) => text.startsWith('RESULT '));
      if (line) resolve(JSON.parse(line.slice('RESULT '.length)));
      else
        reject(
          new Error(
            `${command} ${args.join(' ')} ended (${signal ?? code}) without a result: ${stderr.trim().split('\n').slice(-5).join(' | ')}`,
          ),
        );
    });
  });
}

function compileCLoop(into: string): string {
  const binary = join(into, 'pa-loop');
  const flags = execFileSync('pkg-config', ['--cflags', '--libs', 'portaudio-2.0'], { encoding: 'utf8' })
    .trim()
    .split(/\s+/);
  execFileSync('cc', ['-O2', '-o', binary, join(benchDir, 'pa-loop.c'), ...flags]);
  return binary;
}

/**
 * naudiodon and its segfault-handler install without building (pnpm runs no dependency build
 * scripts unless allowed): build them here once.
 */
function naudiodonReady(): string | undefined {
  let naudiodonDir: string;
  let handlerDir: string;
  try {
    naudiodonDir = dirname(createRequire(import.meta.url).resolve('naudiodon/package.json'));
    handlerDir = dirname(createRequire(join(naudiodonDir, 'index.js')).resolve('segfault-handler/package.json'));
  } catch {
    return 'naudiodon is not installed';
  }
  const nodeGyp = process.env.npm_config_node_gyp ?? '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js';
  const nodedir = process.env.npm_config_nodedir ?? (existsSync('/usr/include/node/node_api.h') ? '/usr' : undefined);
  for (const [dir, addon] of [
    [handlerDir, 'segfault-handler.node'],
    [naudiodonDir, 'naudiodon.node'],
  ] as const) {
    if (existsSync(join(dir, 'build', 'Release', addon))) continue;
    try {
      execFileSync(process.execPath, [nodeGyp, 'rebuild'], {
        cwd: dir,
        env: { ...process.env, ...(nodedir ? { npm_config_nodedir: nodedir } : {}) },
        stdio: 'ignore',
        timeout: 300_000,
      });
    } catch (error) {
      return `${addon} did not build here: ${(error as Error).message.split('\n')[0]}`;
    }
  }
  return undefined;
}

const fmt = (value: number | null | undefined, digits = 2) =>
  value == null || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);

const work = mkdtempSync(join(tmpdir(), 'micgate-bench-'));
let rig: AudioRig | undefined;
let ownRig = false;
try {
  if (process.env.MICGATE_RIG_DIR) rig = attachRig(process.env.MICGATE_RIG_DIR);
  else {
    rig = await startRig();
    ownRig = true;
  }
  await rig.setSine(1000, 0.5);
  const env = { ...process.env, ...rig.env, MICGATE_RIG_DIR: rig.dir };
  const tsx = ['--conditions=@micgate/source', '--import', 'tsx'];
  const limit = (seconds + 60) * 1000;

  console.log(
    `micgate Node capture benchmark: ${seconds} s per subject, ${values.rate} Hz, ${values.channels} ch, ${values.frames}-frame buffers, float32; ` +
      `PulseAudio rig (paced null-sink monitor) via ALSA; ${cpus().length} CPUs, load ${loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')}`,
  );
  const subjects: [string, () => Promise<unknown>][] = [
    [
      'C PortAudio loop (floor)',
      async () => runSubject(compileCLoop(work), [String(seconds), ...formatArgs], env, limit),
    ],
    [
      'micgate record() (session, granted)',
      () =>
        runSubject(
          process.execPath,
          [...tsx, 'bench/subject-capture.ts', 'record', String(seconds), ...formatArgs],
          env,
          limit,
        ),
    ],
    [
      'micgate openCapture() (adapter stream)',
      () =>
        runSubject(
          process.execPath,
          [...tsx, 'bench/subject-capture.ts', 'capture', String(seconds), ...formatArgs],
          env,
          limit,
        ),
    ],
    [
      'naudiodon 2.3.6',
      async () => {
        const problem = naudiodonReady();
        if (problem) throw new Error(problem);
        return runSubject(
          process.execPath,
          ['bench/subject-naudiodon.cjs', String(seconds), ...formatArgs],
          env,
          limit,
        );
      },
    ],
  ];
  const rows: [string, Result | Error][] = [];
  for (const [name, run] of values['only-scale'] ? [] : subjects) {
    process.stderr.write(`running ${name}…\n`);
    rows.push([
      name,
      await run().then(
        (result) => result as Result,
        (error: unknown) => error as Error,
      ),
    ]);
  }
  const floor = rows[0]?.[1];
  const floorCpu = floor && !(floor instanceof Error) ? floor.cpuSeconds : Number.NaN;
  const header = [
    'subject',
    'CPU s',
    '% core',
    '× C loop',
    'frames got/expected',
    'frames lost',
    'overflows',
    'delay p50 ms',
    'p99 ms',
  ];
  const table = rows.map(([name, result]) =>
    result instanceof Error
      ? [name, `not run: ${result.message}`]
      : [
          name,
          fmt(result.cpuSeconds, 3),
          fmt((100 * result.cpuSeconds) / seconds, 1),
          fmt(result.cpuSeconds / floorCpu, 2),
          `${result.frames}/${result.expectedFrames}`,
          result.framesLost == null
            ? `n/a (${result.expectedFrames - result.frames} short)`
            : String(result.framesLost),
          result.inputOverflows == null ? 'n/a' : String(result.inputOverflows),
          fmt(result.delayP50Ms),
          fmt(result.delayP99Ms),
        ],
  );
  const widths = header.map((title, i) =>
    Math.max(title.length, ...table.map((row) => (row.length > 2 ? (row[i]?.length ?? 0) : 0))),
  );
  if (rows.length > 0) console.log(header.map((title, i) => title.padEnd(widths[i]!)).join(' | '));
  if (rows.length > 0) console.log(widths.map((width) => '-'.repeat(width)).join('-|-'));
  for (const row of table)
    console.log(
      row.length === 2
        ? `${row[0]!.padEnd(widths[0]!)} | ${row[1]}`
        : row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | '),
    );

  if (values.scale || values['only-scale']) {
    const loop = compileCLoop(work);
    console.log(
      `\nscale: CPU s over ${seconds} s, C loop vs openCapture(), 10 ms buffers (the rig's source is 48 kHz mono; PulseAudio converts)`,
    );
    console.log(
      'channels | rate Hz | C loop CPU s | openCapture CPU s | × C loop | frames got/expected (openCapture) | lost',
    );
    for (const channels of [1, 2, 8]) {
      for (const rate of [16_000, 48_000, 192_000]) {
        const args = [String(rate), String(channels), String(rate / 100)];
        const c = (await runSubject(loop, [String(seconds), ...args], env, limit).catch((error: unknown) => error)) as
          | Result
          | Error;
        const js = (await runSubject(
          process.execPath,
          [...tsx, 'bench/subject-capture.ts', 'capture', String(seconds), ...args],
          env,
          limit,
        ).catch((error: unknown) => error)) as Result | Error;
        const cell = (result: Result | Error) =>
          result instanceof Error ? `failed: ${result.message.slice(0, 60)}` : fmt(result.cpuSeconds, 3);
        const ratio = c instanceof Error || js instanceof Error ? 'n/a' : fmt(js.cpuSeconds / c.cpuSeconds, 2);
        const got = js instanceof Error ? 'n/a' : `${js.frames}/${js.expectedFrames}`;
        const lost = js instanceof Error ? 'n/a' : String(js.framesLost);
        console.log(`${channels} | ${rate} | ${cell(c)} | ${cell(js)} | ${ratio} | ${got} | ${lost}`);
      }
    }
  }

  if (!values['only-scale']) {
    process.stderr.write('running grant → first device sample…\n');
    const grant = (await runSubject(
      process.execPath,
      [...tsx, 'bench/subject-grant.ts', values['grant-runs'], ...formatArgs],
      env,
      120_000,
    )) as {
      runs: { toObserverMs: number; captureAfterGrantMs: number; toCaptureMs: number; toOpenCallMs: number }[];
    };
    const toObserver = grant.runs.map((run) => run.toObserverMs).sort((a, b) => a - b);
    console.log(
      `grant → first device sample at the observer (${toObserver.length} runs): median ${fmt(toObserver[toObserver.length >> 1])} ms, ` +
        `p95 ${fmt(toObserver[Math.min(toObserver.length - 1, Math.floor(toObserver.length * 0.95))])} ms, min ${fmt(toObserver[0])} ms, max ${fmt(toObserver.at(-1))} ms; each first device buffer was captured ` +
        `${grant.runs.map((run) => fmt(run.captureAfterGrantMs, 1)).join(', ')} ms after the grant (its first frame's ADC time)`,
    );
    const median = (pick: (run: (typeof grant.runs)[number]) => number) =>
      fmt(grant.runs.map(pick).sort((a, b) => a - b)[grant.runs.length >> 1], 1);
    console.log(
      `  where it goes (medians): grant typed → session subscribes to the device ${median((run) => run.toCaptureMs)} ms; ` +
        `→ device found, addon asked to open ${median((run) => run.toOpenCallMs)} ms; → first frame's ADC time ${median((run) => run.captureAfterGrantMs)} ms; ` +
        `→ at the observer ${median((run) => run.toObserverMs)} ms`,
    );
    console.log(
      "CPU s: user+system time of the subject process while capturing (open to close). delay: observer time minus the buffer's PortAudio input (ADC) time, both on CLOCK_MONOTONIC; for the C loop, the callback's own lateness (currentTime - inputBufferAdcTime).",
    );
  }
} finally {
  if (ownRig) await rig?.stop();
  rmSync(work, { recursive: true, force: true });
}
