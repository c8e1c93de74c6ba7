#!/usr/bin/env node
// Proves that @micgate/node installs and captures with no compiler: packs @micgate/core and
// @micgate/node (with the prebuilt addon, built first unless --no-prebuild), installs the tarballs
// with npm into a fresh folder outside the workspace with a PATH holding only node and npm (no cc,
// g++, make, python3, pkg-config) and PKG_CONFIG_LIBDIR=/nonexistent, then records 2 s of the rig's
// tone there and checks its frequency and level. Exit 0 when all of that holds.
//
//   node packages/node/scripts/check-prebuilt-install.mjs [--no-prebuild] [--keep]
//
// Uses the rig named by MICGATE_RIG_DIR, or starts (and stops) one. Needs the npm registry (or
// npm's cache) for the tarballs' dependencies.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const nodeDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(nodeDir, '..', '..');
const args = new Set(process.argv.slice(2));
const step = (what) => console.log(`check-prebuilt-install: ${what}`);
const run = (command, commandArgs, options = {}) => {
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', ...options });
  if (result.status !== 0)
    throw new Error(`${command} ${commandArgs.join(' ')} failed (${result.status ?? result.signal})`);
};

const work = mkdtempSync(join(tmpdir(), 'micgate-prebuilt-'));
let ownRig;
try {
  if (!args.has('--no-prebuild')) {
    step('building the prebuilt addon (prebuildify) and dist/');
    run('pnpm', ['--filter', '@micgate/node', 'build:prebuilt'], { cwd: repo });
    run('pnpm', ['--filter', '@micgate/core', '--filter', '@micgate/node', 'exec', 'tsdown'], { cwd: repo });
  }
  const prebuilds = join(nodeDir, 'prebuilds', 'linux-x64');
  if (!existsSync(prebuilds) || readdirSync(prebuilds).length === 0)
    throw new Error(`no prebuilt addon in ${prebuilds}`);

  step('packing @micgate/core and @micgate/node');
  const packs = join(work, 'packs');
  mkdirSync(packs);
  for (const pkg of ['core', 'node'])
    run('pnpm', ['pack', '--pack-destination', packs], {
      cwd: join(repo, 'packages', pkg),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  const tarballs = readdirSync(packs).map((file) => join(packs, file));
  const listing = execFileSync('tar', ['-tzf', tarballs.find((file) => file.includes('micgate-node'))], {
    encoding: 'utf8',
  });
  if (!listing.includes('package/prebuilds/linux-x64/'))
    throw new Error('the @micgate/node tarball holds no prebuilt addon');

  // Only node, npm and sh (npm runs lifecycle scripts with `sh -c`) on PATH.
  const bin = join(work, 'bin');
  mkdirSync(bin);
  symlinkSync('/bin/sh', join(bin, 'sh'));
  symlinkSync(process.execPath, join(bin, 'node'));
  symlinkSync(join(dirname(process.execPath), 'npm'), join(bin, 'npm'));
  const bare = {
    HOME: process.env.HOME,
    PATH: bin,
    PKG_CONFIG_LIBDIR: '/nonexistent',
    npm_config_update_notifier: 'false',
  };
  for (const tool of ['cc', 'gcc', 'g++', 'c++', 'make', 'python3', 'pkg-config', 'node-gyp']) {
    if (spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { env: bare }).status === 0)
      throw new Error(`${tool} is reachable on the bare PATH`);
  }

  step('installing the tarballs with npm, no compiler on PATH');
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'no-compiler-app', private: true, type: 'module' }));
  const install = spawnSync(
    join(bin, 'npm'),
    ['install', '--no-audit', '--no-fund', '--foreground-scripts', ...tarballs],
    {
      cwd: app,
      env: bare,
      encoding: 'utf8',
    },
  );
  process.stdout.write(install.stdout);
  process.stderr.write(install.stderr);
  if (install.status !== 0) throw new Error(`npm install failed (${install.status})`);
  const installed = join(app, 'node_modules', '@micgate', 'node');
  if (existsSync(join(installed, 'build'))) throw new Error('the install built the addon from source (build/ exists)');

  const { attachRig, startRig } = await import(pathToFileURL(join(repo, 'tooling', 'audio-rig', 'index.js')).href);
  let rig;
  if (process.env.MICGATE_RIG_DIR) {
    rig = attachRig(process.env.MICGATE_RIG_DIR);
  } else {
    step('starting the audio rig');
    rig = ownRig = await startRig();
  }
  const tone = await rig.setSine(1000, 0.4);

  step('recording the rig in the installed package');
  writeFileSync(
    join(app, 'record.mjs'),
    `import { createRequire } from 'node:module';
import { openCapture, portAudioVersion } from '@micgate/node';
import { firstValueFrom, map, take, toArray } from 'rxjs';
const require = createRequire(import.meta.url);
const addon = require('node-gyp-build').path(require.resolve('@micgate/node/package.json').replace(/package\\.json$/, ''));
// Samples are valid only while a frame is delivered (the addon reuses its buffer): copy to keep.
const frames = await firstValueFrom(openCapture({ sampleRate: 48000, channels: 1, framesPerBuffer: 480 }).pipe(take(250), map((frame) => ({ ...frame, samples: frame.samples.slice() })), toArray()));
// Count within frames that carry the tone: a loaded machine can make the rig's feeder drop out for a
// moment, and those zeros say nothing about the install.
let crossings = 0, kept = 0, sum = 0, count = 0;
for (const { samples } of frames.slice(50)) {
  let energy = 0;
  for (const x of samples) energy += x * x;
  sum += energy; count += samples.length;
  if (Math.sqrt(energy / samples.length) < ${tone.rms / 2}) continue;
  kept++;
  for (let i = 1; i < samples.length; i++) if (samples[i - 1] < 0 && samples[i] >= 0) crossings++;
}
const keptSeconds = (kept * 480) / 48000;
const frequency = crossings / keptSeconds; // one upward crossing per period (those across frame boundaries are missed: -0.2% at 1 kHz)
const rms = Math.sqrt(sum / count);
console.log(JSON.stringify({ addon, portAudio: portAudioVersion(), frequency, rms, toneFrames: kept, frames: frames.length - 50 }));
`,
  );
  const recorded = spawnSync(join(bin, 'node'), ['record.mjs'], {
    cwd: app,
    env: { ...bare, ...rig.env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (recorded.status !== 0)
    throw new Error(`recording failed (${recorded.status ?? recorded.signal}): ${recorded.stderr}`);
  const result = JSON.parse(recorded.stdout.trim().split('\n').at(-1));
  console.log(result);
  if (!result.addon.includes(`${join('prebuilds', 'linux-x64')}`))
    throw new Error(`the addon did not come from prebuilds/: ${result.addon}`);
  if (result.toneFrames < result.frames * 0.9)
    throw new Error(`only ${result.toneFrames} of ${result.frames} frames carried the tone`);
  if (Math.abs(result.frequency - tone.frequency) / tone.frequency > 0.01)
    throw new Error(`heard ${result.frequency} Hz, played ${tone.frequency}`);
  if (Math.abs(result.rms - tone.rms) / tone.rms > 0.1) throw new Error(`RMS ${result.rms}, played ${tone.rms}`);
  step(`ok: ${result.frequency.toFixed(1)} Hz at RMS ${result.rms.toFixed(3)} from ${result.addon}`);

  // Where no prebuilt addon fits (forced here), the failed source build says what to install and the install still succeeds.
  step('forcing a source build with no compiler: the install must say what to install');
  const rebuild = spawnSync(join(bin, 'npm'), ['rebuild', '--foreground-scripts', '@micgate/node'], {
    cwd: app,
    env: { ...bare, MICGATE_BUILD_FROM_SOURCE: '1' },
    encoding: 'utf8',
  });
  const said = `${rebuild.stdout}${rebuild.stderr}`;
  if (rebuild.status !== 0) throw new Error(`npm rebuild failed (${rebuild.status}): ${said}`);
  for (const advice of [
    'apt-get install portaudio19-dev pkg-config g++ make python3',
    'pnpm approve-builds',
    'onlyBuiltDependencies',
  ]) {
    if (!said.includes(advice)) throw new Error(`the failed build did not say "${advice}":\n${said}`);
  }
  step('ok: the failed source build explained what to install');
} finally {
  await ownRig?.stop();
  if (!args.has('--keep')) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
}
