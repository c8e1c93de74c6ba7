/**
 * Every micgate benchmark, one after the other, each in its own process: the core (record() on
 * virtual time), Node capture (packages/node/bench) and browser capture (packages/browser/bench).
 * Prints one table of what each measured against its baseline in the same run, and writes it all
 * as JSON (bench-results/latest.json). Not part of the test command.
 * Usage: npm run bench [-- --seconds N] [--core-seconds N] [--only core,node,browser] [--json FILE]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    seconds: { type: 'string' },
    // Core runs on virtual time: its seconds are seconds of audio, made in a fraction of that, so
    // the wall-clock --seconds of the others would leave it too little CPU time to measure.
    'core-seconds': { type: 'string', default: '600' },
    only: { type: 'string', default: 'core,node,browser' },
    json: { type: 'string', default: join(root, 'bench-results', 'latest.json') },
  },
});
const only = new Set(values.only.split(','));
const seconds = values.seconds === undefined ? [] : ['--seconds', values.seconds];
const scratch = mkdtempSync(join(tmpdir(), 'micgate-bench-'));

/** One line of the table: what was measured, its value, and the baseline it is held against. */
interface Row {
  benchmark: string;
  subject: string;
  measure: string;
  value: string;
  baseline: string;
  ratio: number | null;
  goal: string;
}

function run(cwd: string, command: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: join(root, cwd), stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      process.stdout.write(chunk); // the benchmark's own report, as it goes
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout }));
  });
}

const fixed = (value: number, digits: number) => value.toFixed(digits);

interface CoreRow {
  path: string;
  subscribers: number;
  framesPerSecond: number;
  ratioToBare: number;
  heapGrowthKiB: number;
}
async function core(): Promise<{ rows: Row[]; raw: unknown }> {
  const out = join(scratch, 'core.json');
  const { code } = await run('tooling/bench', process.execPath, [
    '--expose-gc',
    '--conditions=@micgate/source',
    '--import',
    'tsx',
    'record-virtual.ts',
    '--seconds',
    values['core-seconds'],
    '--json',
    out,
  ]);
  if (code !== 0) throw new Error(`the core benchmark exited with ${code}`);
  const raw = JSON.parse(readFileSync(out, 'utf8')) as { rows: CoreRow[] };
  const rows = raw.rows
    .filter((row) => row.path !== 'bare')
    .map((row) => ({
      benchmark: 'core (virtual time)',
      subject: `${row.path === 'device' ? 'mock device alone' : `record() ${row.path}`}, ${row.subscribers} sub`,
      measure: 'frames/s (CPU); heap growth',
      value: `${(row.framesPerSecond / 1e6).toFixed(1)} M; ${fixed(row.heapGrowthKiB, 0)} KiB`,
      baseline: 'bare callback loop',
      ratio: row.ratioToBare,
      goal: row.path === 'device' ? '' : '≥ 0.8, heap flat',
    }));
  return { rows, raw };
}

async function node(): Promise<{ rows: Row[]; raw: unknown }> {
  // The Node benchmark prints its tables on stderr and, with --json, one JSON document on stdout.
  const { code, stdout } = await run('packages/node', process.execPath, [
    '--import',
    'tsx',
    'bench/run.ts',
    ...seconds,
    '--json',
  ]);
  if (code !== 0) throw new Error(`the Node benchmark exited with ${code}`);
  const raw = JSON.parse(stdout) as {
    subjects?: { name: string; cpuSeconds?: number; ratio?: number; error?: string }[];
    grant?: { medianMs: number; p95Ms: number; floorMedianMs: number };
  };
  const subjects = raw.subjects ?? [];
  const floor = subjects[0]?.cpuSeconds;
  const rows: Row[] = subjects.map((subject) => ({
    benchmark: 'node capture',
    subject: subject.name,
    measure: 'CPU s (median round)',
    value: subject.error ?? String(subject.cpuSeconds?.toFixed(3)),
    baseline: 'C PortAudio loop',
    // The Node benchmark's own: the median of its rounds' ratios to the C loop of the same round.
    ratio: subject.ratio ?? (subject.cpuSeconds !== undefined && floor ? subject.cpuSeconds / floor : null),
    goal: subject.name.startsWith('micgate record()') ? '≤ 1.5, below naudiodon' : '',
  }));
  if (raw.grant)
    rows.push({
      benchmark: 'node capture',
      subject: 'grant → first device sample',
      measure: 'median / p95 ms',
      value: `${raw.grant.medianMs.toFixed(0)} / ${raw.grant.p95Ms.toFixed(0)}`,
      baseline: `C floor median ${raw.grant.floorMedianMs.toFixed(0)} ms`,
      ratio: null,
      goal: '≤ 30 / ≤ 60 ms',
    });
  return { rows, raw };
}

interface BrowserRow {
  subject: string;
  isolated: boolean;
  latencyHint: string;
  droppedBuffers: number;
  positionGaps: number;
  lateBuffers: number;
  deviceBuffers: number;
  deliveryMsPerSecond: number;
  costRatio: number;
}
async function browser(): Promise<{ rows: Row[]; raw: unknown }> {
  const out = join(scratch, 'browser.json');
  const { code } = await run('packages/browser', process.execPath, ['bench/run.js', ...seconds, '--json', out]);
  // It exits 1 when a buffer was dropped, after writing what it measured: the table shows it.
  const raw = JSON.parse(readFileSync(out, 'utf8')) as { rows: BrowserRow[]; chromium: string };
  if (code !== 0) console.error(`the browser benchmark exited with ${code}`);
  const rows = raw.rows.map((row) => ({
    benchmark: `browser (Chromium ${raw.chromium})`,
    subject: `${row.subject === 'micgate' ? (row.isolated ? 'micgate, SAB ring' : 'micgate, transfer') : 'bare worklet'}, '${row.latencyHint}'`,
    measure: 'main ms/s; dropped; late',
    value: `${fixed(row.deliveryMsPerSecond, 3)}; ${row.droppedBuffers + row.positionGaps}; ${row.lateBuffers}/${row.deviceBuffers}`,
    baseline: `bare worklet, ${row.isolated ? 'isolated' : 'not isolated'} page`,
    ratio: row.costRatio,
    goal: row.subject === 'micgate' ? '≤ 1.2, 0 dropped' : '',
  }));
  return { rows, raw };
}

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  loadAverageAtStart: loadavg().map((load) => Number(load.toFixed(2))),
};
const started = new Date();
const benchmarks = { core, node, browser } as const;
const results: Record<string, unknown> = {};
const rows: Row[] = [];
const failed: string[] = [];
for (const [name, measure] of Object.entries(benchmarks)) {
  if (!only.has(name)) continue;
  console.log(`\n=== ${name} benchmark ===`);
  try {
    const result = await measure();
    results[name] = result.raw;
    rows.push(...result.rows);
  } catch (error) {
    failed.push(name);
    results[name] = { error: String(error) };
    console.error(`${name} benchmark failed: ${String(error)}`);
  }
}
rmSync(scratch, { recursive: true, force: true });

const header = ['benchmark', 'subject', 'measure', 'value', 'x baseline', 'goal'];
const cells = rows.map((row) => [
  row.benchmark,
  row.subject,
  row.measure,
  row.value,
  row.ratio === null ? '' : row.ratio.toFixed(2),
  row.goal,
]);
const widths = header.map((title, i) => Math.max(title.length, ...cells.map((line) => line[i]!.length)));
console.log(
  `\n=== every benchmark, ${started.toISOString()}: ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')} ===`,
);
for (const line of [header, ...cells]) console.log(`| ${line.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`);
mkdirSync(dirname(values.json), { recursive: true });
writeFileSync(values.json, `${JSON.stringify({ started, machine, rows, results }, null, 2)}\n`);
console.log(`(written to ${values.json})`);
if (failed.length > 0) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
