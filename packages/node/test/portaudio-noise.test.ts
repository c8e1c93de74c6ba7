import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { attachRig } from '@micgate/audio-rig';
import { describe, expect, inject, test } from 'vitest';
import { packageDir } from './helpers.js';

const rigDir = inject('rigDir');
const rig = () => attachRig(rigDir);
const fixture = join(packageDir, 'test', 'fixtures', 'unplugged.ts');

/** Capture in a child, unplug the rig's microphone while it records, replug; the child's output. */
async function unplugWhileRecording(
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--conditions=@micgate/source', '--import', 'tsx', fixture], {
    cwd: packageDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let unplugged: Promise<void> | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
    if (!unplugged && stdout.includes('RECORDING')) unplugged = rig().unplug();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  await unplugged;
  await rig().replug();
  return { code, stdout, stderr };
}

// PortAudio's ALSA host API prints "Expression '…' failed in '…pa_linux_alsa.c'" lines when a device
// goes away. The addon links PortAudio statically, which lets it route them (PaUtil_SetDebugPrintFunction).
describe.skipIf(rigDir === '')("PortAudio's own diagnostics", () => {
  test('a device unplugged mid-capture prints nothing on stderr by default', { timeout: 40_000 }, async () => {
    const { MICGATE_DEBUG: _, ...env } = process.env;
    const run = await unplugWhileRecording(env);
    expect(run.stdout).toContain('RESULT DeviceLostError');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
  });

  test('MICGATE_DEBUG=portaudio shows them, marked as PortAudio', { timeout: 40_000 }, async () => {
    const run = await unplugWhileRecording({ ...process.env, MICGATE_DEBUG: 'portaudio' });
    expect(run.stdout).toContain('RESULT DeviceLostError');
    expect(run.stderr).toMatch(/^micgate:portaudio Expression '.*' failed in /m);
    expect(run.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('micgate:portaudio '))).toEqual([]);
  });
});
