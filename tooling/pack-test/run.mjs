// The packed-tarball test: every published package as npm users receive it. Needs the workspace
// built (`pnpm build`), PulseAudio for the audio rig and Debian's Chromium.
//   node tooling/pack-test/run.mjs [--project <empty dir to use and keep>]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProject, log, packAll, run, workspace } from './lib.mjs';

const keep = process.argv.indexOf('--project');
const root = keep > 0 ? process.argv[keep + 1] : mkdtempSync(join(tmpdir(), 'micgate-pack-'));
if (!root) throw new Error('--project needs a directory');
mkdirSync(root, { recursive: true });
const project = join(root, 'app');
const times = [];

async function step(name, fn) {
  const started = performance.now();
  log(`--- ${name}`);
  await fn();
  times.push([name, (performance.now() - started) / 1000]);
}

const bin = (name) => join(workspace, 'node_modules', '.bin', name);
const projectBin = (name) => join(project, 'node_modules', '.bin', name);
let tarballs = {};
let rig;

try {
  await step('pnpm pack every published package', () => {
    tarballs = packAll(join(root, 'tarballs'));
    log(Object.values(tarballs).join('\n  '));
  });
  await step('npm install the tarballs into a fresh project', () => {
    mkdirSync(project);
    createProject(project, tarballs);
  });
  await step('type-check the app, strict, module nodenext', () =>
    run(projectBin('tsc'), ['-p', 'tsconfig.nodenext.json'], { cwd: project }),
  );
  await step('type-check the app, strict, moduleResolution bundler', () =>
    run(projectBin('tsc'), ['-p', 'tsconfig.bundler.json'], { cwd: project }),
  );
  await step('record 2 s from the rig through the installed micgate (Node)', async () => {
    const { startRig, attachRig } = await import('@micgate/audio-rig');
    rig = process.env.MICGATE_RIG_DIR ? attachRig(process.env.MICGATE_RIG_DIR) : await startRig();
    const owned = !process.env.MICGATE_RIG_DIR;
    try {
      const played = await rig.setSine(440, 0.5);
      const env = { ...process.env, ...rig.env, XDG_CONFIG_HOME: join(root, 'config') };
      run(projectBin('micgate'), ['grant', 'pack-test', '--force'] /* the app has not run on this store yet */, {
        cwd: project,
        env,
      });
      const measured = JSON.parse(
        run(process.execPath, ['record.mjs', '2', 'pack-test'], { cwd: project, env, capture: true, timeoutMs: 30_000 })
          .trim()
          .split('\n')
          .at(-1),
      );
      log(`measured ${JSON.stringify(measured)}; the rig plays ${played.frequency} Hz at RMS ${played.rms.toFixed(3)}`);
      const problems = [];
      if (measured.adapter !== 'node') problems.push(`adapter ${measured.adapter}, not node`);
      if (measured.frames !== 200) problems.push(`${measured.frames} buffers, not 200`);
      if (Math.abs(measured.frequency / played.frequency - 1) > 0.01)
        problems.push(`frequency ${measured.frequency} Hz`);
      if (Math.abs(measured.rms / played.rms - 1) > 0.1) problems.push(`RMS ${measured.rms}`);
      if (problems.length > 0) throw new Error(`the recording is not the rig's tone: ${problems.join('; ')}`);
    } finally {
      if (owned) await rig.stop();
    }
  });
  await step('the way back: session.recovery.command, run as printed in the project, grants a denied app', () => {
    // Offline: npx must find the project's own micgate bin, never fetch one.
    const env = { ...process.env, XDG_CONFIG_HOME: join(root, 'config-recovery'), npm_config_offline: 'true' };
    run(projectBin('micgate'), ['deny', 'pack-recovery', '--force'], { cwd: project, env });
    const printed = run(process.execPath, ['recovery.mjs', 'pack-recovery'], { cwd: project, env, capture: true });
    const command = printed.trim().split('\n').at(-1);
    if (command !== 'npx micgate grant pack-recovery') throw new Error(`session.recovery.command is ${command}`);
    run('sh', ['-c', command], { cwd: project, env });
    const listed = JSON.parse(run(projectBin('micgate'), ['list', '--json'], { cwd: project, env, capture: true }));
    if (listed['pack-recovery']?.decision !== 'granted') {
      throw new Error(`after \`${command}\` the store says ${JSON.stringify(listed['pack-recovery'])}`);
    }
    log(`\`${command}\` granted pack-recovery`);
  });
  await step('a Vite build of a page importing only micgate: no Node built-ins, records in Chromium', () => {
    const measured = JSON.parse(
      run(process.execPath, ['browser-record.mjs'], { cwd: project, capture: true, timeoutMs: 120_000 })
        .trim()
        .split('\n')
        .at(-1),
    );
    log(`measured ${JSON.stringify(measured)}; the fake microphone plays 440 Hz at RMS 0.354`);
    const problems = [];
    if (measured.adapter !== 'browser') problems.push(`adapter ${measured.adapter}, not browser`);
    if (measured.nodeBuiltins !== 0) problems.push(`${measured.nodeBuiltins} Node built-in(s) in the bundle`);
    if (Math.abs(measured.frequency / 440 - 1) > 0.01) problems.push(`frequency ${measured.frequency} Hz`);
    if (Math.abs(measured.rms / (0.5 / Math.SQRT2) - 1) > 0.1) problems.push(`RMS ${measured.rms}`);
    if (problems.length > 0) throw new Error(`the page did not record the fake microphone: ${problems.join('; ')}`);
  });
  await step('describeConformance (installed) in Node: the project’s adapter and the installed mock', () =>
    run(projectBin('vitest'), ['run'], { cwd: project, env: { ...process.env, CI: 'true' } }),
  );
  await step('describeConformance (installed) in Vitest browser mode (Chromium)', () =>
    run(projectBin('vitest'), ['run', '-c', 'vitest.browser.config.ts'], {
      cwd: project,
      env: { ...process.env, CI: 'true' },
    }),
  );
  await step('publint --strict and attw on every tarball', () => {
    for (const tarball of Object.values(tarballs)) {
      run(bin('publint'), ['run', tarball, '--strict'], { cwd: root });
      run(bin('attw'), [tarball, '--profile', 'esm-only'], { cwd: root });
    }
  });
} finally {
  if (keep < 0) rmSync(root, { recursive: true, force: true });
}

log('--- times');
for (const [name, seconds] of times) log(`${seconds.toFixed(1).padStart(7)} s  ${name}`);
log(
  `${times
    .reduce((sum, [, s]) => sum + s, 0)
    .toFixed(1)
    .padStart(7)} s  total: packed-tarball checks passed`,
);
