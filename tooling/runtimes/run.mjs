// The Node adapter on Bun and Deno, for real against the audio rig, through the installed
// `micgate` (the packed-tarball project). Bun and Deno come from the npm registry, pinned.
//   node tooling/runtimes/run.mjs --project <dir of a project made by tooling/pack-test>
//   (without --project it packs and installs one itself)
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { createProject, packAll, run, workspace } from '@micgate/pack-test/lib.mjs';

export const RUNTIMES = { bun: '1.4.5', deno: '2.9.6' };

const given = process.argv.indexOf('--project');
const scratch = mkdtempSync(join(tmpdir(), 'micgate-runtimes-'));
let project = given > 0 ? process.argv[given + 1] : undefined;
const say = (message) => console.log(`[runtimes] ${message}`);
const results = [];

/** Run to the end with a deadline; a process still running after it left something open. */
function runFor(command, args, { env, cwd, timeoutMs = 20_000, input } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
      if (input && stdout.includes(input.after) && !input.sent) {
        input.sent = true;
        // As a person answers: after reading the question (the prompt ignores keys typed within 100 ms of it).
        setTimeout(() => child.stdin.write(input.keys), input.delayMs ?? 0);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${command} ${args.join(' ')} did not exit within ${timeoutMs} ms (something left open?)\n${stdout}\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (!input) child.stdin.end();
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${stdout}\n${stderr}`));
      else resolve({ stdout, stderr, seconds: (performance.now() - started) / 1000 });
    });
  });
}

const lastJson = (text) => JSON.parse(text.trim().split('\n').at(-1));

try {
  if (!project) {
    project = join(scratch, 'app');
    mkdirSync(project);
    createProject(project, packAll(join(scratch, 'tarballs')));
  }
  for (const script of ['prompt.mjs', 'resolve.mjs'])
    copyFileSync(new URL(`./scripts/${script}`, import.meta.url), join(project, script));

  let started = performance.now();
  const tools = join(scratch, 'tools');
  mkdirSync(tools);
  run('npm', [
    'install',
    '--prefix',
    tools,
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    ...Object.entries(RUNTIMES).map(([name, version]) => `${name}@${version}`),
  ]);
  say(
    `installed ${Object.entries(RUNTIMES)
      .map(([name, version]) => `${name} ${version}`)
      .join(' and ')} from the npm registry in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const binOf = (name) => join(tools, 'node_modules', '.bin', name);
  for (const name of Object.keys(RUNTIMES)) if (!existsSync(binOf(name))) throw new Error(`${name} was not installed`);

  const { startRig, attachRig } = await import('@micgate/audio-rig');
  const owned = !process.env.MICGATE_RIG_DIR;
  const rig = owned ? await startRig() : attachRig(process.env.MICGATE_RIG_DIR);
  try {
    const env = {
      ...process.env,
      ...rig.env,
      MICGATE_RIG_DIR: rig.dir,
      XDG_CONFIG_HOME: join(scratch, 'config'),
      NO_COLOR: '1',
    };
    const micgate = (...args) =>
      run(join(project, 'node_modules', '.bin', 'micgate'), args, { cwd: project, env, capture: true });
    // How each runtime runs a script of the project. Deno: the project's node_modules as npm made
    // it (`--node-modules-dir=manual`), and -A (the addon, the environment, the config folder).
    const how = {
      bun: (script, ...args) => [binOf('bun'), [script, ...args]],
      deno: (script, ...args) => [binOf('deno'), ['run', '-A', '--node-modules-dir=manual', script, ...args]],
    };
    for (const runtime of Object.keys(RUNTIMES)) {
      started = performance.now();
      const version = /\d+\.\d+\.\d+/.exec((await runFor(binOf(runtime), ['--version'], { env })).stdout)?.[0];
      const appId = `runtime-${runtime}`;
      // Each runtime's turn starts from the same tone (the conformance suite below changes it).
      const played = await rig.setSine(440, 0.5);
      const checks = {};

      // `micgate` resolves its Node build through the runtime's own condition.
      const { resolved } = lastJson((await runFor(...how[runtime]('resolve.mjs'), { cwd: project, env })).stdout);
      if (!resolved.endsWith('/micgate/dist/node.js'))
        throw new Error(`${runtime}: micgate resolved to ${resolved}, not dist/node.js`);
      checks.resolves = resolved.replace(/^.*node_modules\//, '');

      // A grant made with the Node command is read by this runtime: the rig's tone.
      // --force: the app has not run on this store yet, as in a user's setup script.
      micgate('grant', appId, '--force');
      const granted = lastJson(
        (await runFor(...how[runtime]('record.mjs', '2', appId), { cwd: project, env, timeoutMs: 30_000 })).stdout,
      );
      if (granted.adapter !== 'node' || granted.frames !== 200)
        throw new Error(`${runtime}: ${JSON.stringify(granted)}`);
      if (Math.abs(granted.frequency / played.frequency - 1) > 0.01 || Math.abs(granted.rms / played.rms - 1) > 0.1) {
        throw new Error(
          `${runtime}: not the rig's tone (${played.frequency} Hz, RMS ${played.rms.toFixed(3)}): ${JSON.stringify(granted)}`,
        );
      }
      checks.tone = `${granted.frequency.toFixed(1)} Hz, RMS ${granted.rms.toFixed(3)} (${granted.frames - granted.gated} of ${granted.frames} buffers from the device, the rest gated while the status was read)`;
      if ((await rig.sourceOutputs()) !== 0)
        throw new Error(`${runtime}: a capture stream is still open after the process exited`);

      // A denial (set with the command): exact zeros.
      micgate('deny', appId, '--force');
      const denied = lastJson(
        (await runFor(...how[runtime]('record.mjs', '1', appId), { cwd: project, env, timeoutMs: 30_000 })).stdout,
      );
      if (denied.nonZero !== 0 || denied.gated !== denied.frames || denied.frames !== 100)
        throw new Error(`${runtime}: after a denial ${JSON.stringify(denied)}`);
      checks.zeros = `${denied.frames} buffers, every sample 0`;

      // The terminal prompt on a pseudo-terminal; the answer is stored where Node reads it.
      micgate('reset', appId);
      const [pc, pa] = how[runtime]('prompt.mjs', appId);
      const line = [pc, ...pa].map((part) => JSON.stringify(part)).join(' ');
      const prompt = await runFor('script', ['-qfec', line, '/dev/null'], {
        cwd: project,
        env: { ...env, TERM: 'dumb' },
        input: { after: 'Allow? [y/n]', keys: 'y\r', delayMs: 400 },
      });
      if (
        !prompt.stdout.includes(
          '“Runtime check” would like to use the microphone. To check the prompt on this runtime. Allow? [y/n]',
        )
      ) {
        throw new Error(`${runtime}: no prompt on the terminal:\n${prompt.stdout}`);
      }
      if (!prompt.stdout.includes('RESULT true granted'))
        throw new Error(`${runtime}: the prompt did not grant:\n${prompt.stdout}`);
      const list = micgate('list');
      if (!new RegExp(`${appId}\\s+granted`).test(list))
        throw new Error(`${runtime}: Node does not read the grant made on ${runtime}:\n${list}`);
      checks.prompt = '"y" on a pty granted, and `micgate list` (Node) reads it';

      // Vitest runs on this runtime, its test workers too (the packed project checks which runtime
      // they are on); so the Node adapter's own conformance suite runs here, on the rig.
      const vitestOn = (vitest, args, cwd) => {
        const [command, prefix] =
          runtime === 'bun' ? [binOf('bun'), ['--bun']] : [binOf('deno'), ['run', '-A', '--node-modules-dir=manual']];
        return runFor(command, [...prefix, vitest, 'run', ...args], {
          cwd,
          env: { ...env, CI: 'true', MICGATE_EXPECT_RUNTIME: runtime },
          timeoutMs: 300_000,
        });
      };
      const tally = (output) => /Tests\s+([^\n(]*)/.exec(stripVTControlCharacters(output))?.[1]?.trim();
      const packed = await vitestOn(join(project, 'node_modules', 'vitest', 'vitest.mjs'), [], project);
      checks.vitest = `the packed project's tests (runtime check, the project's adapter and the mock through the installed suite): ${tally(packed.stdout)}`;
      const suite = await vitestOn(
        join(workspace, 'node_modules', 'vitest', 'vitest.mjs'),
        ['test/conformance.test.ts'],
        join(workspace, 'packages', 'node'),
      );
      checks.conformance = `the Node adapter's conformance suite on the rig: ${tally(suite.stdout)} in ${suite.seconds.toFixed(1)} s`;

      const seconds = (performance.now() - started) / 1000;
      results.push({ runtime, version, seconds, checks });
      say(
        `${runtime} ${version}: passed in ${seconds.toFixed(1)} s\n${Object.entries(checks)
          .map(([k, v]) => `    ${k}: ${v}`)
          .join('\n')}`,
      );
    }
  } finally {
    if (owned) await rig.stop();
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
say(`all runtimes passed: ${results.map((r) => `${r.runtime} ${r.version} ${r.seconds.toFixed(1)} s`).join(', ')}`);
