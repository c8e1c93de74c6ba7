// micgate's Node capture benchmark. Runs each subject in turn, in its own process, on the audio
// rig's paced source, and prints one table:
//   C loop       — bench/pa-loop.c, compiled here against the system PortAudio (the floor)
//   micgate record() — createAudioSession(...).record() through createNodeAdapter, granted
//   micgate openCapture() — the adapter's stream alone
//   naudiodon    — if it builds here
// and the delay from the grant to the first device sample.
//
// The micgate subjects run as plain JavaScript, as an app runs the built package: bundled here
// with esbuild from the same TypeScript source, then run by node with no loader (under tsx each
// process also carried tsx's loader thread and its transforms). Every subject runs --rounds times
// (default 3), in an order rotated each round; the table gives each one's median, and its ratio to
// the C loop as the median of the per-round ratios (one open of a PortAudio stream can cost twice
// another's CPU in PulseAudio's and PortAudio's threads, so one run each decides little).
//
// With --scale, then the C loop and record() at 1, 2 and 8 channels × 16, 48 and 192 kHz (10 ms
// buffers), each pair side by side, and record() with 1, 10 and 100 subscribers to one recording.
// --json: the tables go to stderr, and stdout gets one JSON document with every number (for the
// root benchmark runner and tracking).
//
//   node --import tsx bench/run.ts [--seconds 60] [--rounds 3] [--rate 48000] [--channels 2] [--frames 480] [--grant-runs 20] [--scale] [--only-scale] [--only-grant] [--json]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type AudioRig, attachRig, startRig } from '@micgate/audio-rig';
import { build } from 'esbuild';

const benchDir = dirname(fileURLToPath(import.meta.url));
const packageDir = join(benchDir, '..');
const { values } = parseArgs({
  // `pnpm bench -- --seconds 30` hands the `--` on to the script.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    seconds: { type: 'string', default: '60' },
    rounds: { type: 'string', default: '3' },
    rate: { type: 'string', default: '48000' },
    channels: { type: 'string', default: '2' },
    frames: { type: 'string', default: '480' },
    'grant-runs': { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
    scale: { type: 'boolean', default: false },
    'only-scale': { type: 'boolean', default: false },
    'only-grant': { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
if (!(seconds > 0)) throw new Error(`--seconds must be a positive number; got ${values.seconds}`);
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`--rounds must be a whole number ≥ 1; got ${values.rounds}`);
const formatArgs = [values.rate, values.channels, values.frames];
// With --json, stdout carries only the JSON document.
const say = (line: string) => (values.json ? process.stderr.write(`${line}\n`) : console.log(line));
const report: Record<string, unknown> = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
  seconds,
  rounds,
  format: {
    sampleRate: Number(values.rate),
    channels: Number(values.channels),
    framesPerBuffer: Number(values.frames),
  },
};

interface Result {
  cpuSeconds: number;
  /** The same from a few seconds in (V8's start-up work done), over `steadySeconds`. */
  steadyCpuSeconds?: number;
  steadySeconds?: number;
  /** The steady CPU by thread (JS subjects): the JS thread, and every other thread together. */
  steadyThreads?: { js: number; other: number };
  /** micgate subjects: JS heap allocated per buffer in the steady window (null if a collection ran in it). */
  bytesPerBuffer?: number | null;
  /** micgate subjects: PortAudio callbacks and JS-thread wakes of the addon. */
  callbacks?: number;
  wakes?: number;
  /** micgate subjects only: GC time and the heap after a full GC, before and after capturing. */
  gcMs?: number;
  heapBeforeMB?: number;
  heapAfterMB?: number;
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

function compileC(into: string, name: 'pa-loop' | 'pa-first'): string {
  const binary = join(into, name);
  if (existsSync(binary)) return binary;
  const flags = execFileSync('pkg-config', ['--cflags', '--libs', 'portaudio-2.0'], { encoding: 'utf8' })
    .trim()
    .split(/\s+/);
  execFileSync('cc', ['-O2', '-o', binary, join(benchDir, `${name}.c`), ...flags]);
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

/**
 * A subject bundled to plain JavaScript: micgate's TypeScript source (the `@micgate/source`
 * condition, the same code the packages build), with rxjs and node-gyp-build loaded from
 * node_modules as an app's would be. Written beside the package (bench/.build) so that the addon
 * is found from it as from the built package.
 */
async function bundleSubject(name: 'subject-capture'): Promise<string> {
  const outfile = join(benchDir, '.build', `${name}.mjs`);
  await build({
    entryPoints: [join(benchDir, `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@micgate/source'],
    external: ['rxjs', 'node-gyp-build'],
    logLevel: 'warning',
  });
  return outfile;
}

interface Summary {
  name: string;
  /** The round with the median CPU (its other numbers go with it). */
  median?: Result | undefined;
  /** Medians of the per-round ratios to the floor's run of the same round. */
  ratio?: number | undefined;
  steadyRatio?: number | undefined;
  ratioRange: string;
  runs: (Result | { error: string })[];
  error?: string | undefined;
}

function summarize(name: string, runs: (Result | Error)[], floor: (Result | Error)[]): Summary {
  const each = runs.map((run) => (run instanceof Error ? { error: run.message } : run));
  const done = runs.filter((run): run is Result => !(run instanceof Error));
  if (done.length === 0) return { name, ratioRange: 'n/a', runs: each, error: (runs[0] as Error | undefined)?.message };
  const byCpu = [...done].sort((a, b) => a.cpuSeconds - b.cpuSeconds);
  const ratios: number[] = [];
  const steadyRatios: number[] = [];
  runs.forEach((run, round) => {
    const base = floor[round];
    if (run instanceof Error || !base || base instanceof Error) return;
    ratios.push(run.cpuSeconds / base.cpuSeconds);
    if (run.steadyCpuSeconds !== undefined && base.steadyCpuSeconds)
      steadyRatios.push(run.steadyCpuSeconds / base.steadyCpuSeconds);
  });
  const middle = (list: number[]) =>
    list.length === 0 ? undefined : [...list].sort((a, b) => a - b)[(list.length - 1) >> 1];
  const sortedRatios = [...ratios].sort((a, b) => a - b);
  return {
    name,
    median: byCpu[(byCpu.length - 1) >> 1],
    ratio: middle(ratios),
    steadyRatio: middle(steadyRatios),
    ratioRange: sortedRatios.length === 0 ? 'n/a' : `${fmt(sortedRatios[0])}–${fmt(sortedRatios.at(-1))}`,
    runs: each,
  };
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
  const tsx = ['--expose-gc', '--conditions=@micgate/source', '--import', 'tsx'];
  const capture = ['--expose-gc', await bundleSubject('subject-capture')];
  const limit = (seconds + 60) * 1000;

  say(
    `micgate Node capture benchmark: ${seconds} s per subject, ${values.rate} Hz, ${values.channels} ch, ${values.frames}-frame buffers, float32; ` +
      `PulseAudio rig (paced null-sink monitor) via ALSA; ${cpus().length} CPUs, load ${loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')}`,
  );
  const subjects: [string, () => Promise<unknown>][] = [
    [
      'C PortAudio loop (floor)',
      async () => runSubject(compileC(work, 'pa-loop'), [String(seconds), ...formatArgs], env, limit),
    ],
    [
      'micgate record() (session, granted)',
      () => runSubject(process.execPath, [...capture, 'record', String(seconds), ...formatArgs], env, limit),
    ],
    [
      'micgate openCapture() (adapter stream)',
      () => runSubject(process.execPath, [...capture, 'capture', String(seconds), ...formatArgs], env, limit),
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
  const chosen = values['only-scale'] || values['only-grant'] ? [] : subjects;
  // runs[subject][round]: each round runs every subject once, starting one further along.
  const runs: (Result | Error)[][] = chosen.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < chosen.length; k++) {
      const index = (round + k) % chosen.length;
      const [name, run] = chosen[index]!;
      process.stderr.write(`running ${name} (round ${round + 1}/${rounds})…\n`);
      runs[index]![round] = await run().then(
        (result) => result as Result,
        (error: unknown) => error as Error,
      );
    }
  }
  const summaries = chosen.map(([name], index) => summarize(name, runs[index]!, runs[0] ?? []));
  report.subjects = summaries.map(({ name, median, ratio, steadyRatio, ratioRange, runs: each, error }) =>
    error ? { name, error } : { name, ...median, ratio, steadyRatio, ratioRange, rounds: each },
  );
  const header = [
    'subject',
    'CPU s',
    '% core',
    '× C loop',
    `× C, ${rounds} rounds`,
    'steady × C',
    'JS thread ms/s',
    'other threads ms/s',
    'wakes/s',
    'frames got/expected',
    'frames lost',
    'overflows',
    'delay p50 ms',
    'p99 ms',
    'GC ms',
    'heap Δ MB',
    'B allocated/buffer',
  ];
  const perSecond = (value: number | undefined, steadySeconds: number | undefined) =>
    value === undefined || !steadySeconds ? 'n/a' : fmt((1000 * value) / steadySeconds, 1);
  const table = summaries.map(({ name, median: result, ratio, steadyRatio, ratioRange, error }) =>
    !result
      ? [name, `not run: ${error}`]
      : [
          name,
          fmt(result.cpuSeconds, 3),
          fmt((100 * result.cpuSeconds) / seconds, 1),
          fmt(ratio, 2),
          ratioRange,
          fmt(steadyRatio, 2),
          perSecond(result.steadyThreads?.js, result.steadySeconds),
          perSecond(result.steadyThreads?.other, result.steadySeconds),
          result.wakes == null ? 'n/a' : fmt(result.wakes / seconds, 1),
          `${result.frames}/${result.expectedFrames}`,
          result.framesLost == null
            ? `n/a (${result.expectedFrames - result.frames} short)`
            : String(result.framesLost),
          result.inputOverflows == null ? 'n/a' : String(result.inputOverflows),
          fmt(result.delayP50Ms),
          fmt(result.delayP99Ms),
          fmt(result.gcMs, 1),
          fmt((result.heapAfterMB ?? Number.NaN) - (result.heapBeforeMB ?? Number.NaN), 2),
          result.bytesPerBuffer == null ? 'n/a' : fmt(result.bytesPerBuffer, 0),
        ],
  );
  const widths = header.map((title, i) =>
    Math.max(title.length, ...table.map((row) => (row.length > 2 ? (row[i]?.length ?? 0) : 0))),
  );
  if (table.length > 0) say(header.map((title, i) => title.padEnd(widths[i]!)).join(' | '));
  if (table.length > 0) say(widths.map((width) => '-'.repeat(width)).join('-|-'));
  for (const row of table)
    say(
      row.length === 2
        ? `${row[0]!.padEnd(widths[0]!)} | ${row[1]}`
        : row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | '),
    );
  if (table.length > 0)
    say(
      `CPU s: the median round's; × C loop: the median of the rounds' ratios to the C loop of the same round (${rounds} rounds, the lowest–highest beside it).`,
    );

  if (values.scale || values['only-scale']) {
    const loop = compileC(work, 'pa-loop');
    const record = (args: string[]) =>
      runSubject(process.execPath, [...capture, 'record', String(seconds), ...args], env, limit)
        .then((result) => result as Result)
        .catch((error: unknown) => error as Error);
    const cell = (result: Result | Error) =>
      result instanceof Error ? `failed: ${result.message.slice(0, 60)}` : fmt(result.cpuSeconds, 3);
    say(
      `\nscale: CPU s over ${seconds} s, the C loop vs micgate record(), 10 ms buffers. The rig's source is 48 kHz mono: ` +
        'PulseAudio resamples it and copies the one channel to every channel asked for.',
    );
    say(
      'channels | rate Hz | C loop CPU s | record() CPU s | × C loop | record() ms CPU per s | frames got/expected | lost',
    );
    const formats: unknown[] = [];
    for (const channels of [1, 2, 8]) {
      for (const rate of [16_000, 48_000, 192_000]) {
        const args = [String(rate), String(channels), String(rate / 100)];
        process.stderr.write(`running scale ${channels} ch ${rate} Hz…\n`);
        const c = (await runSubject(loop, [String(seconds), ...args], env, limit).catch((error: unknown) => error)) as
          | Result
          | Error;
        const js = await record(args);
        const ratio = c instanceof Error || js instanceof Error ? 'n/a' : fmt(js.cpuSeconds / c.cpuSeconds, 2);
        const perSecond = js instanceof Error ? 'n/a' : fmt((1000 * js.cpuSeconds) / seconds, 1);
        const got = js instanceof Error ? 'n/a' : `${js.frames}/${js.expectedFrames}`;
        const lost = js instanceof Error ? 'n/a' : String(js.framesLost);
        say(`${channels} | ${rate} | ${cell(c)} | ${cell(js)} | ${ratio} | ${perSecond} | ${got} | ${lost}`);
        formats.push({
          channels,
          sampleRate: rate,
          cLoop: c instanceof Error ? { error: c.message } : c,
          record: js instanceof Error ? { error: js.message } : js,
        });
      }
    }
    say(
      `\nsubscribers to one record() recording (${values.rate} Hz, ${values.channels} ch, ${values.frames}-frame buffers)`,
    );
    say('subscribers | record() CPU s | ms CPU per s | × 1 subscriber | GC ms | heap after − before MB');
    const fanOut: unknown[] = [];
    let one: number | undefined;
    for (const count of [1, 10, 100]) {
      process.stderr.write(`running ${count} subscribers…\n`);
      const js = await record([...formatArgs, String(count)]);
      if (js instanceof Error) {
        say(`${count} | failed: ${js.message.slice(0, 80)}`);
        fanOut.push({ subscribers: count, error: js.message });
        continue;
      }
      one ??= js.cpuSeconds;
      say(
        `${count} | ${fmt(js.cpuSeconds, 3)} | ${fmt((1000 * js.cpuSeconds) / seconds, 1)} | ${fmt(js.cpuSeconds / one, 2)} | ${fmt(js.gcMs, 1)} | ${fmt((js.heapAfterMB ?? Number.NaN) - (js.heapBeforeMB ?? Number.NaN), 2)}`,
      );
      fanOut.push(js);
    }
    report.scale = { formats, subscribers: fanOut };
  }

  if (!values['only-scale']) {
    // Each run in a fresh process, as a user's one grant is: the C floor and micgate in turn, so
    // both see the same sound server state.
    type GrantRun = {
      toObserverMs: number;
      captureAfterGrantMs: number;
      toStoreWriteMs: number;
      toStoreWrittenMs: number;
      toCaptureMs: number;
      toOpenCallMs: number;
      toFirstCallbackMs: number | null;
      toAdapterFrameMs: number;
    };
    type FloorRun = { toFirstCallbackMs: number; captureAfterMs: number; openMs: number; startMs: number };
    const first = compileC(work, 'pa-first');
    // The rig's keeper stream (tooling/audio-rig/keeper.js) makes its microphone answer a new capture as a real one does.
    const keeping = (await rig.status()).keeping === true;
    const runs: GrantRun[] = [];
    const floors: FloorRun[] = [];
    for (let i = 0; i < Number(values['grant-runs']); i++) {
      process.stderr.write(`running grant → first device sample ${i + 1}/${values['grant-runs']}…\n`);
      floors.push((await runSubject(first, formatArgs, env, 30_000)) as FloorRun);
      const grant = (await runSubject(
        process.execPath,
        [...tsx, 'bench/subject-grant.ts', '1', ...formatArgs],
        env,
        60_000,
      )) as { runs: GrantRun[] };
      runs.push(...grant.runs);
    }
    const sorted = (list: number[]) => [...list].sort((a, b) => a - b);
    const median = (list: number[]) => sorted(list)[list.length >> 1] ?? Number.NaN;
    const p95 = (list: number[]) =>
      sorted(list)[Math.min(list.length - 1, Math.floor(list.length * 0.95))] ?? Number.NaN;
    const toObserver = runs.map((run) => run.toObserverMs);
    const floorFirst = floors.map((run) => run.toFirstCallbackMs);
    say(
      `\ngrant → first device sample at the observer (${runs.length} runs, each a fresh process): median ${fmt(median(toObserver))} ms, ` +
        `p95 ${fmt(p95(toObserver))} ms, min ${fmt(sorted(toObserver)[0])} ms, max ${fmt(sorted(toObserver).at(-1))} ms`,
    );
    // Each stage: the median over runs of its own length (from the stage before it, in the same run),
    // then, in brackets, the median time since the grant at its end.
    const stages: [string, (run: GrantRun) => number | null][] = [
      ['grant typed → the adapter asks the store to write', (run) => run.toStoreWriteMs],
      ['→ the durable write done', (run) => run.toStoreWrittenMs],
      ['→ the session subscribes to the device', (run) => run.toCaptureMs],
      ['→ device found, addon asked to open', (run) => run.toOpenCallMs],
      ["→ PortAudio's first callback", (run) => run.toFirstCallbackMs],
      ['→ the first frame reaches JS (adapter)', (run) => run.toAdapterFrameMs],
      ['→ the observer', (run) => run.toObserverMs],
    ];
    const stageText = stages.map(([name, at], index) => {
      const ends = runs.map(at).filter((value): value is number => value !== null);
      if (ends.length === 0) return `${name} n/a (the addon in use does not report it: an older prebuilt one?)`;
      // The stage starts where the last reported stage before it ended (0: the grant).
      const lengths = runs.flatMap((run) => {
        const end = at(run);
        if (end === null) return [];
        const start = stages
          .slice(0, index)
          .map(([, before]) => before(run))
          .filter((value): value is number => value !== null)
          .at(-1);
        return [end - (start ?? 0)];
      });
      return `${name} +${fmt(median(lengths), 1)} ms (at ${fmt(median(ends), 1)})`;
    });
    say(`  where it goes (medians; in brackets: since the grant): ${stageText.join('; ')}`);
    say(
      `  the first device frame's ADC time: ${fmt(median(runs.map((run) => run.captureAfterGrantMs)), 1)} ms after the grant (median)`,
    );
    say(
      `  C floor (PortAudio initialised, then open + start + first callback, same rig${keeping ? '' : ' WITHOUT its keeper stream'}, in turn): median ${fmt(median(floorFirst))} ms, p95 ${fmt(p95(floorFirst))} ms ` +
        `(Pa_OpenStream ${fmt(median(floors.map((run) => run.openMs)), 1)} ms, Pa_StartStream ${fmt(median(floors.map((run) => run.startMs)), 1)} ms; ` +
        `its first frame's ADC time ${fmt(median(floors.map((run) => run.captureAfterMs)), 1)} ms after the open call)`,
    );
    report.grant = {
      runs,
      floor: floors,
      medianMs: median(toObserver),
      p95Ms: p95(toObserver),
      floorMedianMs: median(floorFirst),
      floorP95Ms: p95(floorFirst),
      rigKeeper: keeping,
    };
    say(
      "CPU s: user+system time of the subject process while capturing (open to close; PortAudio already started in every subject); steady: the same from min(5 s, a quarter of the run) in, when V8's start-up work (compiling, the memory reducer's collections) is over; wakes/s: the micgate addon's JS-thread wakes (each delivers every buffer queued by then). delay: observer time minus the buffer's PortAudio input (ADC) time, both on CLOCK_MONOTONIC; for the C loop, the callback's own lateness (currentTime - inputBufferAdcTime).",
    );
  }
  if (values.json) console.log(JSON.stringify(report));
} finally {
  if (ownRig) await rig?.stop();
  rmSync(work, { recursive: true, force: true });
}
